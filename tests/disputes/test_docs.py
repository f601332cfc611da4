from pathlib import Path

from disputes.workflow import MEDIATION_WORKFLOW, PETITION_WORKFLOW, STATEMENT_WORKFLOW


def test_docs_carry_the_current_diagrams():
    text = Path("docs/disputes.md").read_text()
    for workflow in (MEDIATION_WORKFLOW, PETITION_WORKFLOW, STATEMENT_WORKFLOW):
        assert workflow.mermaid() in text, workflow.name
