from pathlib import Path

from incidents.workflow import CASE_WORKFLOW
from incidents.workflow_doc import render


def test_docs_workflow_md_is_generated_from_the_table():
    assert Path("docs/workflow.md").read_text() == render(), "run: manage.py workflow_diagram"


def test_diagram_has_an_edge_per_source_of_every_moving_action():
    diagram = CASE_WORKFLOW.mermaid()
    for t in CASE_WORKFLOW.transitions:
        for source in t.sources:
            edge = f"{source} --> {t.target}: {t.label}"
            assert (edge in diagram) == (t.target is not None)
