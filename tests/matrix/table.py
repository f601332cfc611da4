"""THE permission matrix: every route of the project → who may use it. One entry per URL name.

The tests in this folder enumerate the URL resolver (every app's pages and the DRF routers) and
fail on any route that has no entry here. From each entry they generate the expected answer for
the anonymous visitor, a signed-in user with no area, and one user per role (governance.roles,
docs/permissions.md) in their own area and in another township's area:

- anonymous: PUBLIC routes answer; other pages redirect to the login page, the API answers 401/403;
- own area: a role in `ok` is served (2xx/3xx); every other role gets `denied`;
- another area: an object of township B answers exactly as an id that does not exist (404, or the
  role's `denied` for the whole feature), never 403 or a different body;
- no area: served only where `ok` is SIGNED_IN, and then shows nothing of either township: its JSON
  lists are empty and its numbers 0 (unless the entry is `shared`: configuration);
- no answer of a township-A user names township B, and no answer of a user without an area names
  either township (lists, counts, exports and figures included); no answer is a 5xx.

Adding a route: add `"<url name>": Entry(...)` below, with `ok` (PUBLIC, SIGNED_IN, a settings
role list or roles("role", ...)), `obj` (the model label its <pk> names), `method="POST"` for a
route that only takes POST (then only the out-of-scope answers are checked: nothing is changed),
`denied` when the others get 404 instead of 403, and `args` for other URL parameters.
See docs/permissions.md ("The permission matrix").
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed-in"  # every signed-in user; what it lists is scoped to the user's areas


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


CASE_ROLES = roles(*settings.CASE_ROLES)
CARE_ROLES = roles(*settings.CARE_ROLES)
CREDIT_ROLES = roles(*settings.CREDIT_ROLES)
OVERSIGHT_ROLES = roles(*settings.OVERSIGHT_ROLES)
CONSOLE_ROLES = roles("admin", "command_leader")  # governance.console.CONSOLE_ROLES
# Every role holding view_area_records (grids.permissions): areas, people, households, cases.
AREA_VIEWERS = CASE_ROLES | roles("credit_committee")
# The roles holding view_insurance (grids.permissions, insurance.roles).
INSURANCE_VIEWERS = roles(
    "command_operator", "command_leader", "admin", "township_officer", "village_head", "grid_worker", "insurer"
)
# Dispute figures and the petition backlog: everyone with a case desk above the grid, and the credit group.
DISPUTE_FIGURE_ROLES = AREA_VIEWERS - roles("grid_worker")
# The township's and the county's desks: subsidy statements, stability indices.
TOWNSHIP_DESK_ROLES = roles(
    "command_operator", "command_leader", "admin", "township_officer", "department_officer", "credit_committee"
)
# Enterprises and credit lines: the credit cooperative's book, and who oversees it.
CREDIT_BOOK_ROLES = roles(
    "command_operator", "command_leader", "admin", "township_officer", "credit_cooperative", "credit_committee"
)


@dataclass(frozen=True)
class Entry:
    ok: str | frozenset[str]  # PUBLIC, SIGNED_IN or the roles served in their own area
    obj: str | None = None  # the model ("app.Model") whose primary key the route's <pk> names
    method: str = "GET"  # "POST": an action; only the answers outside the user's scope are checked
    denied: int = 403  # what a signed-in user outside `ok` gets
    args: dict = field(default_factory=dict)  # the other URL parameters
    shared: bool = False  # the same for everyone (configuration): not empty for a user without an area
    query: str | Callable = ""  # a query string the route needs to answer 200 (or world → string)


def action(**kwargs) -> Entry:
    """A route that only takes POST (a workflow action, a form's target). Who may act is each app's
    own tests' business; the matrix checks that an object outside the user's scope answers as one
    that does not exist, that the anonymous visitor is turned away, and that an empty form is no 5xx."""
    return Entry(roles(), method="POST", **kwargs)


MATRIX: dict[str, Entry] = {
    "admin:*": Entry(roles("admin"), denied=302),  # admin/… (Django admin: staff only; others go to its login)
    "login": Entry(PUBLIC),  # accounts/login/
    "logout": Entry(PUBLIC, method="POST"),  # accounts/logout/
    "two-factor-verify": Entry(roles(), denied=302),  # accounts/login/code/ (right after a password only)
    "two-factor": Entry(CONSOLE_ROLES),  # accounts/two-factor/ (enrol a TOTP device: admins, command-centre leaders)
    "admin-login": Entry(roles(), denied=302),  # admin/login/ (everyone to the platform's sign-in and its code step)
    "password_change": Entry(SIGNED_IN),  # accounts/password_change/
    "password_change_done": Entry(SIGNED_IN),  # accounts/password_change/done/
    "password_reset": Entry(PUBLIC),  # accounts/password_reset/
    "password_reset_done": Entry(PUBLIC),  # accounts/password_reset/done/
    "password_reset_confirm": Entry(PUBLIC, args={"uidb64": "MQ", "token": "set-password"}),  # accounts/reset/…
    "password_reset_complete": Entry(PUBLIC),  # accounts/reset/done/
    "home": Entry(SIGNED_IN),  # / (each role's own start page)
    "healthz": Entry(PUBLIC),  # healthz
    "job": Entry(roles(), obj="governance.Job", denied=404),  # jobs/<int:pk>/
    "notification-settings": Entry(SIGNED_IN),  # notifications/settings/
    "schema": Entry(PUBLIC),  # api/schema/
    "api-docs": Entry(PUBLIC),  # api/docs/
    "api-redoc": Entry(PUBLIC),  # api/redoc/
    "api-me": Entry(SIGNED_IN, shared=True),  # api/v1/me/ (the caller's own account)
    "api-token": Entry(PUBLIC, method="POST"),  # api/v1/auth/token/
    "api-token-revoke": action(),  # api/v1/auth/token/revoke/
    "api-token-revoke-all": action(),  # api/v1/auth/token/revoke-all/
    "notification-list": Entry(SIGNED_IN),  # api/v1/notifications/
    "notification-mark-read": action(),  # api/v1/notifications/mark-read/
    "notification-unread-count": Entry(SIGNED_IN),  # api/v1/notifications/unread-count/
    "job-detail": Entry(roles(), obj="governance.Job", denied=404),  # api/v1/jobs/<int:pk>/
    "job-download": Entry(roles(), obj="governance.Job", denied=404),  # api/v1/jobs/<int:pk>/download/
    "area-list": Entry(SIGNED_IN),  # api/v1/areas/
    "area-resolve": Entry(AREA_VIEWERS, denied=404, query=lambda world: world.point_in_a),  # api/v1/areas/resolve/
    "area-vacant": Entry(SIGNED_IN),  # api/v1/areas/vacant/
    "area-detail": Entry(AREA_VIEWERS, obj="grids.Area", denied=404),  # api/v1/areas/<int:pk>/
    "area-children": Entry(AREA_VIEWERS, obj="grids.Area", denied=404),  # api/v1/areas/<int:pk>/children/
    "area-responsible": Entry(AREA_VIEWERS, obj="grids.Area", denied=404),  # api/v1/areas/<int:pk>/responsible/
    "person-list": Entry(SIGNED_IN),  # api/v1/people/
    "person-detail": Entry(AREA_VIEWERS, obj="governance.User", denied=404),  # api/v1/people/<int:pk>/
    "assignment-list": Entry(SIGNED_IN),  # api/v1/assignments/
    "assignment-detail": Entry(AREA_VIEWERS, obj="grids.Assignment", denied=404),  # api/v1/assignments/<int:pk>/
    "assignment-end": action(obj="grids.Assignment"),  # api/v1/assignments/<int:pk>/end/
    "assignment-transfer": action(obj="grids.Assignment"),
    "household-list": Entry(SIGNED_IN),  # api/v1/households/
    "household-search": action(),  # api/v1/households/search/
    "household-detail": Entry(AREA_VIEWERS, obj="grids.Household", denied=404),  # api/v1/households/<int:pk>/
    "household-residents": action(obj="grids.Household"),
    "check-in-list": Entry(SIGNED_IN),  # api/v1/fieldwork/check-ins/
    "visit-list": Entry(SIGNED_IN),  # api/v1/fieldwork/visits/
    "monthly-rating-list": Entry(SIGNED_IN),  # api/v1/fieldwork/ratings/
    "spot-check-list": Entry(SIGNED_IN),  # api/v1/fieldwork/spot-checks/
    "grids-import": action(args={"kind": "households"}),
    "grids-export": Entry(SIGNED_IN, args={"kind": "households"}),
    "case-list": Entry(SIGNED_IN),  # api/v1/cases/
    "case-detail": Entry(AREA_VIEWERS, obj="incidents.Case", denied=404),  # api/v1/cases/<int:pk>/
    "case-attachment": Entry(roles(), obj="incidents.Case", denied=404),
    "case-accept": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/accept/
    "case-arrive": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/arrive/
    "case-callback": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/callback/
    "case-close": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/close/
    "case-comment": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/comment/
    "case-decide-extension": action(obj="incidents.Case"),
    "case-dispatch": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/dispatch/
    "case-dispose": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/dispose/
    "case-escalate": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/escalate/
    "case-hand-down": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/hand-down/
    "case-merge": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/merge/
    "case-postpone": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/postpone/
    "case-register": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/register/
    "case-reject": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/reject/
    "case-request-extension": action(obj="incidents.Case"),
    "case-return": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/return/
    "case-rework": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/rework/
    "case-start": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/start/
    "case-urge": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/urge/
    "case-verify": action(obj="incidents.Case"),  # api/v1/cases/<int:pk>/verify/
    "category-list": Entry(SIGNED_IN, shared=True),  # api/v1/categories/
    "category-detail": Entry(SIGNED_IN, obj="incidents.Category", denied=404),  # api/v1/categories/<int:pk>/
    "unit-list": Entry(SIGNED_IN, shared=True),  # api/v1/units/
    "unit-detail": Entry(SIGNED_IN, obj="incidents.Unit", denied=404),  # api/v1/units/<int:pk>/
    "reply-template-list": Entry(SIGNED_IN, shared=True),  # api/v1/reply-templates/
    "daily-review-list": Entry(SIGNED_IN),  # api/v1/reviews/daily/
    "daily-review-run": action(),  # api/v1/reviews/daily/run/
    "weekly-evaluation-list": Entry(SIGNED_IN, shared=True),  # api/v1/reviews/weekly/
    "weekly-evaluation-run": action(),  # api/v1/reviews/weekly/run/
    "weekly-evaluation-detail": Entry(SIGNED_IN, obj="incidents.WeeklyEvaluation", denied=404),
    "weekly-evaluation-export": Entry(SIGNED_IN, obj="incidents.WeeklyEvaluation", denied=404),
    "weekly-evaluation-scores": Entry(SIGNED_IN, obj="incidents.WeeklyEvaluation", denied=404),
    "insurance-figures": Entry(SIGNED_IN),  # api/v1/insurance/figures/
    "insurance-figures-export": Entry(SIGNED_IN),  # api/v1/insurance/figures/export/
    "insurer-list": Entry(SIGNED_IN, shared=True),  # api/v1/insurance/insurers/
    "insurer-detail": Entry(SIGNED_IN, obj="insurance.Insurer", denied=404),  # api/v1/insurance/insurers/<int:pk>/
    "peril-list": Entry(SIGNED_IN, shared=True),  # api/v1/insurance/perils/
    "peril-detail": Entry(SIGNED_IN, obj="insurance.Peril", denied=404),  # api/v1/insurance/perils/<int:pk>/
    "premium-schedule-list": Entry(SIGNED_IN, shared=True),  # api/v1/insurance/premium-schedules/
    "policy-list": Entry(SIGNED_IN),  # api/v1/insurance/policies/
    "policy-detail": Entry(INSURANCE_VIEWERS, obj="insurance.Policy", denied=404),
    "policy-renew": action(obj="insurance.Policy"),  # api/v1/insurance/policies/<int:pk>/renew/
    "claim-list": Entry(SIGNED_IN),  # api/v1/insurance/claims/
    "claim-detail": Entry(INSURANCE_VIEWERS, obj="insurance.Claim", denied=404),  # api/v1/insurance/claims/<int:pk>/
    "claim-approve": action(obj="insurance.Claim"),  # api/v1/insurance/claims/<int:pk>/approve/
    "claim-comment": action(obj="insurance.Claim"),  # api/v1/insurance/claims/<int:pk>/comment/
    "claim-decline": action(obj="insurance.Claim"),  # api/v1/insurance/claims/<int:pk>/decline/
    "claim-resubmit": action(obj="insurance.Claim"),
    "claim-return": action(obj="insurance.Claim"),  # api/v1/insurance/claims/<int:pk>/return/
    "claim-settle": action(obj="insurance.Claim"),  # api/v1/insurance/claims/<int:pk>/settle/
    "claim-verify": action(obj="insurance.Claim"),  # api/v1/insurance/claims/<int:pk>/verify/
    "claim-withdraw": action(obj="insurance.Claim"),
    "claim-photo": Entry(roles(), obj="insurance.Claim", denied=404),
    "credit-enterprise-list": Entry(SIGNED_IN),  # api/v1/credit/enterprises/
    "credit-enterprise-detail": Entry(CREDIT_BOOK_ROLES, obj="credit.Enterprise", denied=404),
    "credit-subject-list": Entry(SIGNED_IN),  # api/v1/credit/subjects/
    "credit-subject-detail": Entry(CREDIT_ROLES | roles("credit_cooperative"), obj="credit.Subject", denied=404),
    "credit-subject-standing": Entry(CREDIT_ROLES | roles("credit_cooperative"), obj="credit.Subject", denied=404),
    "credit-rule-list": Entry(SIGNED_IN, shared=True),  # api/v1/credit/rules/
    "credit-rule-detail": Entry(SIGNED_IN, obj="credit.RuleVersion", denied=404),  # api/v1/credit/rules/<int:pk>/
    "credit-fact-list": Entry(SIGNED_IN),  # api/v1/credit/facts/
    "credit-fact-detail": Entry(CREDIT_ROLES, obj="credit.Fact", denied=404),  # api/v1/credit/facts/<int:pk>/
    "credit-fact-apply": action(obj="credit.Fact"),  # api/v1/credit/facts/<int:pk>/apply/
    "credit-fact-dismiss": action(obj="credit.Fact"),  # api/v1/credit/facts/<int:pk>/dismiss/
    "credit-round-list": Entry(SIGNED_IN),  # api/v1/credit/rounds/
    "credit-round-detail": Entry(CREDIT_ROLES, obj="credit.EvaluationRound", denied=404),
    "credit-round-answer": action(obj="credit.EvaluationRound"),
    "credit-round-object": action(obj="credit.EvaluationRound"),
    "credit-round-propose": action(obj="credit.EvaluationRound"),
    "credit-round-publish": action(obj="credit.EvaluationRound"),
    "credit-round-reopen": action(obj="credit.EvaluationRound"),
    "credit-round-return-to-township": action(obj="credit.EvaluationRound"),
    "credit-round-review": action(obj="credit.EvaluationRound"),
    "credit-round-send-back": action(obj="credit.EvaluationRound"),
    "credit-round-take-effect": action(obj="credit.EvaluationRound"),
    "credit-round-nominate": action(obj="credit.EvaluationRound"),
    "credit-rating-list": Entry(SIGNED_IN),  # api/v1/credit/ratings/
    "credit-rating-detail": Entry(CREDIT_ROLES, obj="credit.Rating", denied=404),  # api/v1/credit/ratings/<int:pk>/
    "credit-line-list": Entry(SIGNED_IN),  # api/v1/credit/lines/
    "credit-line-detail": Entry(CREDIT_BOOK_ROLES, obj="credit.CreditLine", denied=404),
    "credit-line-movements": action(obj="credit.CreditLine"),
    "credit-integrity-check-list": Entry(SIGNED_IN),  # api/v1/credit/integrity-checks/
    "credit-reward-list": Entry(SIGNED_IN),  # api/v1/credit/rewards/
    "credit-safe-village-list": Entry(SIGNED_IN),  # api/v1/credit/safe-villages/
    "credit-figures": Entry(SIGNED_IN),  # api/v1/credit/figures/
    "credit-honour-roll": Entry(SIGNED_IN),  # api/v1/credit/honour-roll/
    "care-visit-photo": Entry(roles(), obj="care.CareVisit", denied=404),  # api/v1/care/visits/<int:pk>/photo/
    "care-figures": Entry(SIGNED_IN),  # api/v1/care/figures/
    "care-plan-list": Entry(SIGNED_IN),  # api/v1/care/plans/
    "care-plan-detail": Entry(CARE_ROLES, obj="care.CarePlan", denied=404),  # api/v1/care/plans/<int:pk>/
    "care-plan-end": action(obj="care.CarePlan"),  # api/v1/care/plans/<int:pk>/end/
    "care-plan-revise": action(obj="care.CarePlan"),  # api/v1/care/plans/<int:pk>/revise/
    "care-visit-list": Entry(SIGNED_IN),  # api/v1/care/visits/
    "care-visit-raise-case": action(obj="care.CareVisit"),
    "care-volunteer-list": Entry(SIGNED_IN),  # api/v1/care/volunteers/
    "care-volunteer-detail": Entry(CARE_ROLES, obj="care.Volunteer", denied=404),  # api/v1/care/volunteers/<int:pk>/
    "care-volunteer-exchange": action(obj="care.Volunteer"),
    "care-volunteer-movements": Entry(CARE_ROLES, obj="care.Volunteer", denied=404),
    "care-volunteer-service": action(obj="care.Volunteer"),
    "care-pair-list": Entry(SIGNED_IN),  # api/v1/care/pairs/
    "care-pair-detail": Entry(CARE_ROLES, obj="care.HelpPair", denied=404),  # api/v1/care/pairs/<int:pk>/
    "care-pair-end": action(obj="care.HelpPair"),  # api/v1/care/pairs/<int:pk>/end/
    "care-pair-help": action(obj="care.HelpPair"),  # api/v1/care/pairs/<int:pk>/help/
    "care-unit-list": Entry(SIGNED_IN),  # api/v1/care/units/
    "care-unit-detail": Entry(CARE_ROLES, obj="care.WatchUnit", denied=404),  # api/v1/care/units/<int:pk>/
    "care-unit-leader": action(obj="care.WatchUnit"),  # api/v1/care/units/<int:pk>/leader/
    "care-unit-members": action(obj="care.WatchUnit"),  # api/v1/care/units/<int:pk>/members/
    "care-colour-change-list": Entry(SIGNED_IN),  # api/v1/care/colour-changes/
    "care-colour-change-detail": Entry(CARE_ROLES, obj="care.ColourChange", denied=404),
    "care-colour-change-confirm": action(obj="care.ColourChange"),
    "care-colour-change-reject": action(obj="care.ColourChange"),
    "care-colour-change-withdraw": action(obj="care.ColourChange"),
    "dispute-figures": Entry(DISPUTE_FIGURE_ROLES, denied=404),  # api/v1/disputes/figures/
    "mediation-body-list": Entry(SIGNED_IN),  # api/v1/disputes/bodies/
    "mediation-body-detail": Entry(AREA_VIEWERS - roles("grid_worker"), obj="disputes.MediationBody", denied=404),
    "mediation-list": Entry(SIGNED_IN),  # api/v1/disputes/mediations/
    "mediation-detail": Entry(AREA_VIEWERS, obj="disputes.Mediation", denied=404),
    "mediation-agreement-file": Entry(roles(), obj="disputes.Mediation", denied=404),
    "mediation-agree": action(obj="disputes.Mediation"),
    "mediation-comment": action(obj="disputes.Mediation"),
    "mediation-confirm": action(obj="disputes.Mediation"),
    "mediation-escalate": action(obj="disputes.Mediation"),
    "mediation-fail": action(obj="disputes.Mediation"),
    "mediation-follow-up": action(obj="disputes.Mediation"),
    "mediation-refer": action(obj="disputes.Mediation"),
    "mediation-session": action(obj="disputes.Mediation"),
    "petition-list": Entry(SIGNED_IN),  # api/v1/disputes/petitions/
    "petition-detail": Entry(AREA_VIEWERS, obj="disputes.Petition", denied=404),  # api/v1/disputes/petitions/<int:pk>/
    "petition-assign-owner": action(obj="disputes.Petition"),
    "petition-comment": action(obj="disputes.Petition"),
    "petition-reopen": action(obj="disputes.Petition"),
    "petition-reply": action(obj="disputes.Petition"),
    "petition-resolve": action(obj="disputes.Petition"),
    "statement-list": Entry(SIGNED_IN),  # api/v1/disputes/statements/
    "statement-export": Entry(SIGNED_IN),  # api/v1/disputes/statements/export/
    "statement-detail": Entry(TOWNSHIP_DESK_ROLES, obj="disputes.SubsidyStatement", denied=404),
    "statement-approve": action(obj="disputes.SubsidyStatement"),
    "statement-rebuild": action(obj="disputes.SubsidyStatement"),
    "statement-return": action(obj="disputes.SubsidyStatement"),
    "indicator-list": Entry(SIGNED_IN, shared=True),  # api/v1/oversight/indicators/
    "rating-list": Entry(SIGNED_IN),  # api/v1/oversight/ratings/
    "rating-compute": action(),  # api/v1/oversight/ratings/compute/
    "rating-detail": Entry(AREA_VIEWERS - roles("grid_worker"), obj="oversight.AreaRating", denied=404),
    "rating-approve": action(obj="oversight.AreaRating"),
    "rating-revoke": action(obj="oversight.AreaRating"),
    "evidence-list": Entry(SIGNED_IN),  # api/v1/oversight/evidence/
    "evidence-detail": Entry(AREA_VIEWERS - roles("grid_worker"), obj="oversight.Evidence", denied=404),
    "evidence-approve": action(obj="oversight.Evidence"),
    "evidence-reject": action(obj="oversight.Evidence"),
    "evidence-file": Entry(roles(), obj="oversight.Evidence", denied=404),  # api/v1/oversight/evidence/<int:pk>/file/
    "stability-list": Entry(SIGNED_IN),  # api/v1/oversight/stability/
    "stability-colours": Entry(SIGNED_IN),  # api/v1/oversight/stability/colours/
    "stability-detail": Entry(TOWNSHIP_DESK_ROLES, obj="oversight.StabilityIndex", denied=404),
    "oversight-dashboard": Entry(OVERSIGHT_ROLES),  # api/v1/oversight/dashboard/
    "oversight-map-areas": Entry(OVERSIGHT_ROLES, query="level=village"),  # api/v1/oversight/map/areas/
    "oversight-map-cases": Entry(OVERSIGHT_ROLES),  # api/v1/oversight/map/cases/
    "incidents:desk": Entry(SIGNED_IN),  # desk/
    "incidents:desk-counts": Entry(SIGNED_IN),  # desk/counts/
    "incidents:desk-timers": Entry(SIGNED_IN),  # desk/timers/ (115 countdowns of the cases in scope)
    "incidents:inbox": Entry(SIGNED_IN),  # inbox/
    "incidents:search": Entry(SIGNED_IN),  # search/
    "incidents:export": Entry(roles(), denied=404, args={"name": "all"}),  # cases/export/<str:name>/
    "incidents:report": Entry(SIGNED_IN),  # report/
    "incidents:my-reports": Entry(SIGNED_IN),  # report/mine/
    "incidents:case": Entry(AREA_VIEWERS, obj="incidents.Case", denied=404),  # cases/<int:pk>/
    "incidents:case-print": Entry(AREA_VIEWERS, obj="incidents.Case", denied=404),  # cases/<int:pk>/print/
    "incidents:case-action": action(obj="incidents.Case", args={"action": "register"}),
    "grids:fieldwork": Entry(SIGNED_IN),  # fieldwork/
    "grids:spot-checks": Entry(roles("admin", "township_officer", "village_head", "grid_worker")),  # spot-checks/
    "reviews:daily": Entry(SIGNED_IN),  # reviews/daily/
    "reviews:weekly": Entry(SIGNED_IN),  # reviews/weekly/
    "reviews:weekly-export": Entry(AREA_VIEWERS - roles("grid_worker"), obj="incidents.WeeklyEvaluation", denied=404),
    "insurance:claims": Entry(SIGNED_IN),  # insurance/
    "insurance:report": Entry(SIGNED_IN),  # insurance/claims/new/
    "insurance:claim": Entry(INSURANCE_VIEWERS, obj="insurance.Claim", denied=404),  # insurance/claims/<int:pk>/
    "insurance:claim-action": action(obj="insurance.Claim", args={"action": "verify"}),
    "insurance:policies": Entry(SIGNED_IN),  # insurance/policies/
    "insurance:policy-new": Entry(roles("admin", "insurer")),  # insurance/policies/new/
    "insurance:policy-renew": Entry(roles("admin", "insurer"), obj="insurance.Policy", denied=404),
    "insurance:figures": Entry(SIGNED_IN),  # insurance/figures/
    "insurance:figures-export": Entry(SIGNED_IN),  # insurance/figures/export.xlsx
    "credit:overview": Entry(CREDIT_ROLES, denied=404),  # credit/
    "credit:honour-roll": Entry(CREDIT_ROLES, denied=404),  # credit/honour-roll/
    "credit:rounds": Entry(CREDIT_ROLES, denied=404),  # credit/rounds/
    "credit:round-create": action(),  # credit/rounds/new/
    "credit:round": Entry(CREDIT_ROLES, obj="credit.EvaluationRound", denied=404),  # credit/rounds/<int:pk>/
    "credit:round-nominate": action(obj="credit.EvaluationRound"),
    "credit:round-action": action(obj="credit.EvaluationRound", args={"action": "publish"}),
    "credit:proposals": Entry(CREDIT_ROLES, denied=404),  # credit/proposals/
    "credit:decide": action(obj="credit.Fact"),  # credit/proposals/<int:pk>/decide/
    "credit:cooperative": Entry(roles("admin", "credit_cooperative"), denied=404),  # credit/cooperative/
    "credit:grant": action(),  # credit/cooperative/grant/
    "credit:movement": action(obj="credit.CreditLine"),
    "care:home": Entry(CARE_ROLES, denied=404),  # care/
    "care:today": Entry(CARE_ROLES, denied=404),  # care/today/
    "care:plan-new": Entry(roles("admin", "township_officer", "village_head"), denied=404),  # care/plans/new/
    "care:plan": Entry(CARE_ROLES, obj="care.CarePlan", denied=404),  # care/plans/<int:pk>/
    "care:plan-revise": action(obj="care.CarePlan"),  # care/plans/<int:pk>/revise/
    "care:plan-end": action(obj="care.CarePlan"),  # care/plans/<int:pk>/end/
    "care:volunteers": Entry(CARE_ROLES, denied=404),  # care/volunteers/
    "care:volunteer-action": action(args={"action": "register"}),
    "care:neighbours": Entry(CARE_ROLES, denied=404),  # care/neighbours/
    "care:neighbour-action": action(args={"action": "pair"}),  # care/neighbours/<str:action>/
    "care:colours": Entry(CARE_ROLES, denied=404),  # care/colours/
    "care:colour-propose": action(),  # care/colours/propose/
    "care:colour-action": action(obj="care.ColourChange", args={"action": "confirm"}),
    "disputes:home": Entry(SIGNED_IN),  # disputes/
    "disputes:mediations": Entry(SIGNED_IN),  # disputes/mediations/
    "disputes:mediation": Entry(AREA_VIEWERS, obj="disputes.Mediation", denied=404),  # disputes/mediations/<int:pk>/
    "disputes:mediation-action": action(obj="disputes.Mediation", args={"action": "session"}),
    "disputes:agreement": Entry(AREA_VIEWERS, obj="disputes.Mediation", denied=404),
    "disputes:agreement-file": Entry(roles(), obj="disputes.Mediation", denied=404),
    "disputes:open": action(obj="incidents.Case"),  # disputes/cases/<int:case_pk>/mediate/
    "disputes:petitions": Entry(SIGNED_IN),  # disputes/petitions/
    "disputes:petition-new": Entry(SIGNED_IN),  # disputes/petitions/new/
    "disputes:owned": Entry(SIGNED_IN),  # disputes/petitions/mine/
    "disputes:backlog": Entry(DISPUTE_FIGURE_ROLES, denied=404),  # disputes/petitions/backlog/
    "disputes:petition": Entry(AREA_VIEWERS, obj="disputes.Petition", denied=404),  # disputes/petitions/<int:pk>/
    "disputes:petition-action": action(obj="disputes.Petition", args={"action": "resolve"}),
    "disputes:petition-reply": Entry(AREA_VIEWERS, obj="disputes.Petition", denied=404),
    "disputes:statements": Entry(SIGNED_IN),  # disputes/subsidies/
    "disputes:statements-export": Entry(SIGNED_IN),  # disputes/subsidies/export/
    "disputes:statement": Entry(TOWNSHIP_DESK_ROLES, obj="disputes.SubsidyStatement", denied=404),
    "disputes:statement-action": action(obj="disputes.SubsidyStatement", args={"action": "approve"}),
    "disputes:figures": Entry(DISPUTE_FIGURE_ROLES, denied=404),  # disputes/figures/
    "oversight:dashboard": Entry(OVERSIGHT_ROLES),  # oversight/
    "oversight:panel": Entry(OVERSIGHT_ROLES, args={"key": "today"}),  # oversight/panels/<slug:key>/
    "oversight:map": Entry(OVERSIGHT_ROLES),  # oversight/map/
    "oversight:ratings": Entry(SIGNED_IN),  # oversight/ratings/
    "oversight:rating": Entry(AREA_VIEWERS - roles("grid_worker"), obj="oversight.AreaRating", denied=404),
    "oversight:rating-action": action(obj="oversight.AreaRating", args={"action": "approve"}),
    "oversight:rating-evidence": action(obj="oversight.AreaRating"),
    "oversight:evidence-action": action(obj="oversight.Evidence", args={"action": "approve"}),
    "oversight:stability": Entry(SIGNED_IN),  # oversight/stability/
    "console:home": Entry(CONSOLE_ROLES),  # console/
    "grids-console:areas": Entry(CONSOLE_ROLES),  # console/areas/
    "grids-console:area": Entry(CONSOLE_ROLES, obj="grids.Area", denied=403),  # console/areas/<int:pk>/
    "grids-console:area-children": Entry(CONSOLE_ROLES, obj="grids.Area", denied=403),
    "grids-console:assign": action(obj="grids.Area"),  # console/areas/<int:pk>/assign/
    "grids-console:rename": action(obj="grids.Area"),  # console/areas/<int:pk>/rename/
    "grids-console:end": action(obj="grids.Assignment"),  # console/assignments/<int:pk>/end/
    "grids-console:transfer": action(obj="grids.Assignment"),
    "grids-console:vacancies": Entry(CONSOLE_ROLES),  # console/vacancies/
    "grids-console:people": Entry(CONSOLE_ROLES),  # console/people/
    "grids-console:person-new": Entry(roles("admin")),  # console/people/new/
    "grids-console:person": Entry(CONSOLE_ROLES, obj="governance.User", denied=403),  # console/people/<int:pk>/
    "grids-console:person-assign": action(obj="governance.User"),
    "grids-console:imports": Entry(roles("admin")),  # console/imports/
    "incidents-console:categories": Entry(CONSOLE_ROLES),  # console/categories/
    "incidents-console:category": Entry(CONSOLE_ROLES, obj="incidents.Category", denied=403),
    "incidents-console:category-update": action(obj="incidents.Category"),
    "incidents-console:time-limit": action(obj="incidents.Category"),
    "incidents-console:routing": Entry(CONSOLE_ROLES),  # console/routing/
    "incidents-console:routing-add": action(),  # console/routing/add/
    "incidents-console:routing-delete": action(obj="incidents.RoutingRule"),
    "interfaces-console:keys": Entry(CONSOLE_ROLES),  # console/keys/
    "interfaces-console:key-add": action(),  # console/keys/add/
    "interfaces-console:key-revoke": action(),  # console/keys/<int:pk>/revoke/ (keys belong to no area)
    # Webhooks (interfaces.webhooks): subscriptions and deliveries belong to no area; the county's console.
    "interfaces-console:webhooks": Entry(CONSOLE_ROLES),  # console/webhooks/
    "interfaces-console:webhook-add": action(),  # console/webhooks/add/
    "interfaces-console:webhook-toggle": action(),  # console/webhooks/<int:pk>/toggle/
    "interfaces-console:deliveries": Entry(CONSOLE_ROLES),  # console/webhooks/deliveries/
    "interfaces-console:delivery-replay": action(),  # console/webhooks/deliveries/<int:pk>/replay/
    # Open311 (interfaces.open311): discovery and services are public; the request reads need an
    # api_key, which no session carries (403: the same error list, in the spec's format, for everyone).
    "open311:discovery": Entry(PUBLIC, args={"fmt": "json"}, shared=True),  # open311/v2/discovery.json
    "open311:services": Entry(PUBLIC, args={"fmt": "json"}, shared=True),  # open311/v2/services.json
    "open311:service": Entry(PUBLIC, args={"fmt": "json", "code": "HJ01"}, shared=True),
    "open311:requests": Entry(roles(), args={"fmt": "json"}, shared=True),  # open311/v2/requests.json
    "open311:request": Entry(roles(), args={"fmt": "json", "number": "SJ0"}, shared=True),  # requests/<id>.json
    "open311:token": Entry(roles(), args={"fmt": "json", "token": "t"}, shared=True),  # tokens/<token>.json
    # The hotline's orders (interfaces.api): an API key only (X-API-Key), never a session: 401.
    "hotline-order-list": action(),  # api/v1/hotline/orders/
    "hotline-order-detail": Entry(roles(), args={"order_number": "GD1"}, denied=401),
}
