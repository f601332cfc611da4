"""Console pages of areas, assignments, people and imports.

Thin: reads through `grids.selectors` (scoped to the viewer: outside the scope is 404), writes
through `grids.services` / `governance.accounts` / the importers, one transaction per request
(ATOMIC_REQUESTS; each service is atomic too). A refused write re-renders its page with the
service's Chinese messages on the form (HTTP 400); changing assignments needs
`manage_assignments` on the area (403 otherwise), accounts and imports the platform admin.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from governance import accounts
from governance.console import admin_only, console_view, submit
from governance.registry import gather
from governance.roles import Role

from .. import selectors, services
from ..levels import AreaLevel
from ..models import Area, Assignment
from ..scoping import MANAGE_ASSIGNMENTS, VIEW, granted_areas, in_scope
from ..transfer.columns import AREAS, ASSIGNMENTS, COLUMNS, HOUSEHOLDS
from ..transfer.importers import import_file
from ..transfer.reading import UnreadableFile
from ..transfer.views import MAX_UPLOAD_BYTES
from .forms import AssignForm, EndForm, ImportForm, PersonForm, RenameAreaForm, TransferForm

SEARCH_LIMIT = 50
LIST_LIMIT = 200
# Service error keys → the console forms' fields.
TRANSFER_FIELDS = {"area": "to_area", "start_date": "on", "end_date": "on"}


def _areas(user):
    return selectors.areas_for(user).defer("boundary")


def _with_worker(qs):
    """Areas with the name of their active grid worker (one correlated subquery, no per-row query)."""
    worker = Assignment.objects.filter(area=OuterRef("pk"), role=Role.GRID_WORKER, end_date__isnull=True)
    return qs.annotate(worker_name=Subquery(worker.values("user__full_name")[:1]))


def _names_of_ancestors(areas) -> dict[str, str]:
    """{path: name} of every ancestor of `areas` (one query), for breadcrumbs in a result list."""
    paths = {a.path[:i] for a in areas for i in range(Area.steplen, len(a.path), Area.steplen)}
    return dict(Area.objects.filter(path__in=paths).values_list("path", "name")) if paths else {}


def _trail(area, names) -> str:
    parts = [names.get(area.path[:i]) for i in range(Area.steplen, len(area.path), Area.steplen)]
    return " › ".join(p for p in parts if p)


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# ---------------------------------------------------------------------------- the area tree


@console_view
def areas(request):
    """The tree from the viewer's outermost areas, children loaded on demand; a search box."""
    user = request.user
    grants = granted_areas(user, VIEW)
    roots = Area.objects.filter(depth=1) if grants is None else Area.objects.filter(pk__in=[g.area_id for g in grants])
    q = request.GET.get("q", "").strip()
    results = []
    if q:
        found = _with_worker(_areas(user).filter(Q(name__icontains=q) | Q(code__startswith=q)))[:SEARCH_LIMIT]
        results = list(found)
        names = _names_of_ancestors(results)
        for area in results:
            area.trail = _trail(area, names)
    return render(
        request,
        "grids/console/areas.html",
        {"roots": _with_worker(roots.defer("boundary")), "q": q, "results": results, "limit": SEARCH_LIMIT},
    )


@console_view
def area_children(request, pk):
    """One node's children (HTMX: the tree opens a node)."""
    area = get_object_or_404(_areas(request.user), pk=pk)
    children = _with_worker(
        Area.objects.filter(path__startswith=area.path, depth=area.depth + 1).defer("boundary").order_by("code")
    )
    return render(request, "grids/console/_children.html", {"children": children})


def _area_page(request, area, *, assign_form=None, rename_form=None, status=200):
    user = request.user
    scoped = selectors.assignments_for(user).defer("area__boundary")
    vacant = selectors.vacant_grids(user).filter(path__startswith=area.path).defer("boundary")
    manage = in_scope(user, MANAGE_ASSIGNMENTS, area)
    return render(
        request,
        "grids/console/area.html",
        {
            "area": area,
            "ancestors": Area.objects.get_ancestors(area).defer("boundary"),
            "active": scoped.filter(area=area, end_date__isnull=True).order_by("role", "start_date"),
            "history": scoped.filter(area=area, end_date__isnull=False).order_by("-end_date", "-id"),
            "vacant": list(vacant.order_by("code")[:LIST_LIMIT]),
            "vacant_count": vacant.count() if area.level != AreaLevel.GRID else None,
            "manage": manage,
            "links": gather("AREA_LINKS", area),
            "assign_form": assign_form or (AssignForm(actor=user, area=area) if manage else None),
            "rename_form": rename_form or (RenameAreaForm() if user.is_platform_admin else None),
            "name_changes": area.name_changes.select_related("actor")[:LIST_LIMIT],
        },
        status=status,
    )


@console_view
def area_detail(request, pk):
    return _area_page(request, get_object_or_404(_areas(request.user), pk=pk))


@console_view
@require_POST
def rename(request, pk):
    """更正名称 (area page form, platform admins): kept in the area's name-change record."""
    admin_only(request)
    area = get_object_or_404(_areas(request.user), pk=pk)
    form = RenameAreaForm(request.POST)
    old = area.name
    if submit(form, lambda data: services.rename_area(area=area, actor=request.user, **data)):
        messages.success(request, _("已将“%(old)s”更正为“%(new)s”。") % {"old": old, "new": form.cleaned_data["name"]})
        return redirect("grids-console:area", pk=area.pk)
    return _area_page(request, area, rename_form=form, status=400)


def _require_manage(user, area) -> None:
    if not in_scope(user, MANAGE_ASSIGNMENTS, area):
        raise PermissionDenied(_("您无权管理该区域的人员任职。"))


@console_view
@require_POST
def assign(request, pk):
    """Put a person on this area (area page form)."""
    area = get_object_or_404(_areas(request.user), pk=pk)
    _require_manage(request.user, area)
    form = AssignForm(request.POST, actor=request.user, area=area)
    if submit(form, lambda data: services.assign(area=area, actor=request.user, **data)):
        _assigned(request, form.cleaned_data["user"], area, form.cleaned_data["role"])
        return redirect("grids-console:area", pk=area.pk)
    return _area_page(request, area, assign_form=form, status=400)


def _assigned(request, person, area, role) -> None:
    messages.success(
        request,
        _("已任命 %(user)s 为%(area)s的%(role)s。") % {"user": person, "area": area.name, "role": Role(role).label},
    )


def _scoped_assignment(request, pk) -> Assignment:
    assignment = get_object_or_404(
        selectors.assignments_for(request.user).select_related("user", "area").defer("area__boundary"), pk=pk
    )
    _require_manage(request.user, assignment.area)
    return assignment


def _refused(request, assignment, form, title):
    """A refused end or transfer: the assignment with the form and its messages (400)."""
    return render(
        request,
        "grids/console/assignment_action.html",
        {"assignment": assignment, "form": form, "title": title, "next": request.POST.get("next", "")},
        status=400,
    )


@console_view
@require_POST
def end(request, pk):
    assignment = _scoped_assignment(request, pk)
    form = EndForm(request.POST)
    if submit(form, lambda data: services.end_assignment(assignment=assignment, actor=request.user, **data)):
        messages.success(request, _("已结束 %(user)s 的任职。") % {"user": assignment.user})
        return redirect(_back(request, reverse("grids-console:area", args=[assignment.area_id])))
    return _refused(request, assignment, form, _("结束任职"))


@console_view
@require_POST
def transfer(request, pk):
    assignment = _scoped_assignment(request, pk)
    form = TransferForm(request.POST, actor=request.user)
    if submit(form, lambda data: services.transfer(assignment=assignment, actor=request.user, **data), TRANSFER_FIELDS):
        to_area = form.cleaned_data["to_area"]
        messages.success(request, _("已将 %(user)s 调整到%(area)s。") % {"user": assignment.user, "area": to_area.name})
        return redirect(_back(request, reverse("grids-console:area", args=[to_area.pk])))
    return _refused(request, assignment, form, _("调整到其他区域"))


@console_view
def vacancies(request):
    """Base grids in scope with no active grid worker, with their village and township."""
    vacant = list(selectors.vacant_grids(request.user).defer("boundary").order_by("code")[:LIST_LIMIT])
    names = _names_of_ancestors(vacant)
    for grid in vacant:
        grid.trail = _trail(grid, names)
    return render(request, "grids/console/vacancies.html", {"vacant": vacant, "limit": LIST_LIMIT})


# ---------------------------------------------------------------------------- people


def _people(user):
    """Admins see every account (a new one holds no assignment yet); others the people who hold or
    held an assignment in their scope."""
    if user.is_platform_admin:
        return get_user_model().objects.prefetch_related("groups")
    return selectors.people_for(user)


@console_view
def people(request):
    q = request.GET.get("q", "").strip()
    qs = _people(request.user)
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    after = request.GET.get("after", "")
    if after:
        qs = qs.filter(username__gt=after)
    rows = list(qs.order_by("username")[: SEARCH_LIMIT + 1])
    return render(
        request,
        "grids/console/people.html",
        {
            "people": rows[:SEARCH_LIMIT],
            "next_after": rows[SEARCH_LIMIT - 1].username if len(rows) > SEARCH_LIMIT else None,
            "q": q,
        },
    )


@console_view
def person_new(request):
    admin_only(request)
    form = PersonForm(request.POST or None)
    created = []
    if request.method == "POST" and submit(
        form, lambda data: created.append(accounts.create_user(**{**data, "password": data["password"] or None}))
    ):
        messages.success(request, _("已新建账号 %(user)s。") % {"user": created[0]})
        return redirect("grids-console:person", pk=created[0].pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "grids/console/person_new.html", {"form": form}, status=status)


def _person_page(request, person, *, assign_form=None, status=200):
    user = request.user
    manages = granted_areas(user, MANAGE_ASSIGNMENTS) != []
    held = (
        selectors.assignments_for(user).filter(user=person).defer("area__boundary").order_by("end_date", "-start_date")
    )
    return render(
        request,
        "grids/console/person.html",
        {
            "person": person,
            "roles": [Role(r).label for r in sorted(person.role_names())],
            "assignments": held,
            "manages": manages,
            "assign_form": assign_form or (AssignForm(actor=user, person=person) if manages else None),
        },
        status=status,
    )


@console_view
def person_detail(request, pk):
    return _person_page(request, get_object_or_404(_people(request.user), pk=pk))


@console_view
@require_POST
def person_assign(request, pk):
    """Give the person a role on an area named by its code."""
    person = get_object_or_404(_people(request.user), pk=pk)
    form = AssignForm(request.POST, actor=request.user, person=person)
    if submit(form, lambda data: services.assign(user=person, actor=request.user, **data)):
        _assigned(request, person, form.cleaned_data["area"], form.cleaned_data["role"])
        return redirect("grids-console:person", pk=person.pk)
    return _person_page(request, person, assign_form=form, status=400)


# ---------------------------------------------------------------------------- imports


@console_view
def imports(request):
    """Upload a spreadsheet; the importer's report (dry run or not) is shown as a table."""
    admin_only(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", _("文件不能超过 %(n)d MB。") % {"n": MAX_UPLOAD_BYTES // (1024 * 1024)})
        else:
            try:
                report = import_file(
                    form.cleaned_data["kind"],
                    upload.read(),
                    upload.name or "",
                    actor=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except UnreadableFile as exc:
                form.add_error("file", exc.message)
    status = 400 if request.method == "POST" and (form.errors or (report and not report.ok)) else 200
    context = {"form": form, "report": report, "layouts": IMPORT_LAYOUTS}
    return render(request, "grids/console/imports.html", context, status=status)


# The column layouts shown on the import page (the importer's own COLUMNS, so they never drift).
IMPORT_LAYOUTS = [
    (
        _lazy("区划"),
        COLUMNS[AREAS],
        _lazy(
            "上级在前、下级在后；层级填 县/乡镇/村/网格/微网格；只有县的上级代码为空；"
            "中心经纬度要么都填、要么都空。"
        ),
    ),
    (
        _lazy("人员分配"),
        COLUMNS[ASSIGNMENTS],
        _lazy(
            "角色填中文名称；开始日期为 YYYY-MM-DD，空着即今天；不存在的用户名会新建账号（须填姓名），"
            "由管理员设置密码后才能登录。"
        ),
    ),
    (
        _lazy("住户"),
        COLUMNS[HOUSEHOLDS],
        _lazy(
            "每位成员一行，户编号相同的行是同一户；三色填 绿/黄/红；与户主关系填 户主/配偶/子女/父母/孙辈/其他；"
            "身份证号请存为文本（Excel 只保留 15 位数字）。"
        ),
    ),
]
