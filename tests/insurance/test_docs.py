from pathlib import Path

from insurance.workflow import CLAIM_WORKFLOW


def test_docs_carry_the_current_claim_diagram():
    assert CLAIM_WORKFLOW.mermaid() in Path("docs/insurance.md").read_text()
