"""docs/workflow.md, generated from the one transition table (incidents.workflow)."""

from governance.roles import Role

from .constants import CaseStatus
from .workflow import CASE_WORKFLOW

INTRO = """# The case workflow (事件流转)

Generated from `incidents/workflow.py` by `manage.py workflow_diagram` — do not edit by hand;
`tests/incidents/test_workflow_doc.py` fails when this file and the table disagree.

Every action goes through `governance.workflow.perform`: the case row is locked
(`SELECT … FOR UPDATE`), the version the caller loaded is compared (a stale page gets HTTP 409),
the action must start from one of its source states (else 409), the actor must hold one of the
roles **and** pass the row's scope rule (a case outside the actor's sight is 404, a visible case
the actor may not act on is 403), a required reason must be given (400), then the domain change
is applied, the version bumped, an append-only `CaseEvent` written and notifications scheduled
on commit — all in one transaction.

Intake (`incidents.intake.submit_report`) creates a case in `reported`, or — for a matter the
grid worker resolved on the spot (自办结) — directly in `closed`, with its photo evidence.

## State diagram

```mermaid
"""

RULES = {
    "centre": "the command centre, with the case in its area scope",
    "handler": "acts for the case's handling unit",
    "returns_to_centre": "acts for the handling unit; dispatched by the centre",
    "returns_to_township": "acts for the village unit; handed down by its township",
    "township_handler": "acts for the handling unit, a township",
    "village_handler": "acts for the handling unit, a village",
    "upper_handler": "acts for the handling unit, a township or a department",
    "verifier": "the centre; or a township officer for a case its village handled",
    "extension_decider": "whoever dispatched the case (the centre or the township)",
    "sees": "anyone who can see the case",
    "team_on_its_way": "acts for the handling unit of an urgent case whose 115 arrival timer runs",
    "reporter_on_the_spot": "the reporter, on a grid in their area; taken at intake only (自办结)",
}


def render() -> str:
    lines = [INTRO + CASE_WORKFLOW.mermaid() + "\n```\n", "## States\n", "| state | 中文 |", "|---|---|"]
    lines += [f"| `{s.value}` | {s.label} |" for s in CaseStatus]
    lines += [
        "",
        "## Actions\n",
        "| action | 中文 | from | to | roles | rule | reason required |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in CASE_WORKFLOW.transitions:
        roles = "all roles" if set(t.roles) == set(Role.values) else ", ".join(str(Role(r).label) for r in t.roles)
        rule = RULES.get(t.allowed.__name__, t.allowed.__name__) if t.allowed else ""
        target = f"`{t.target}`" if t.target else "(unchanged)"
        sources = ", ".join(f"`{s}`" for s in t.sources)
        lines.append(
            f"| `{t.action}` | {t.label} | {sources} | {target} | {roles} | {rule} | "
            f"{'✓ ' + str(t.note_label) if t.requires_note else ''} |"
        )
    lines += ["", "## Time limits\n", TIME_LIMITS]
    return "\n".join(lines) + "\n"


TIME_LIMITS = """Limits are kept per category × handling level (village / township / department) × phase
(sign for, handle, verify), each with a yellow (warning) and a red (overdue) threshold, falling
back to the parent category (`incidents.deadlines`). The clock starts at dispatch (派遣): the
sign-for limit runs from the dispatch, and so does the handling limit (accepting late does not
buy time); the verification limit runs from the disposal; rework restarts the handling limit.
Minutes and hours run on the clock (urgent matters do not wait for Monday); working days follow
the State Council's holiday calendar with its make-up working days: the days admins enter
(节假日安排), then the `chinese-calendar` package, then weekends only with a warning — see
[calendar.md](calendar.md).

The case stores `phase`, `warn_at` and `due_at`; partial indexes on `due_at` and `warn_at` over
open cases make "overdue" and "warning" an index scan. An approved extension (延期) moves
`due_at`; a postponed case (缓办) stops its clock and is counted apart in the figures.
A case is on time (`closed_on_time`) when its disposal came before the handling deadline.
"""
