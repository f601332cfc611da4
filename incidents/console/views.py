"""Console pages of the catalogue: categories with their time limits, routing rules, and the
tester “which unit would get a case of category C in grid G?” (the same `routing.route` that
intake uses). Everyone on the console may look and test; only the platform admin edits."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.console import admin_only, console_view, submit
from grids.selectors import check_row_grid

from .. import catalogue_edits, routing
from ..models import Category, RoutingRule
from .forms import CategoryForm, RouteTestForm, RoutingRuleForm, TimeLimitForm


@console_view
def categories(request):
    rows = Category.objects.select_related("parent", "default_unit").prefetch_related("time_limits").order_by("code")
    return render(request, "incidents/console/categories.html", {"categories": rows})


def _category_page(request, category, *, form=None, limit_form=None, status=200):
    initial = {
        "name": category.name,
        "handling_level": category.handling_level,
        "urgency": category.urgency,
        "default_unit": category.default_unit_id,
        "is_active": category.is_active,
    }
    return render(
        request,
        "incidents/console/category.html",
        {
            "category": category,
            "limits": category.time_limits.order_by("level", "phase"),
            "form": form or CategoryForm(initial=initial),
            "limit_form": limit_form or TimeLimitForm(initial={"level": category.handling_level}),
        },
        status=status,
    )


@console_view
def category_detail(request, pk):
    return _category_page(request, get_object_or_404(Category.objects.select_related("parent"), pk=pk))


@console_view
@require_POST
def category_update(request, pk):
    admin_only(request)
    category = get_object_or_404(Category.objects.select_related("parent"), pk=pk)
    form = CategoryForm(request.POST)
    if submit(form, lambda data: catalogue_edits.update_category(category=category, **data)):
        messages.success(request, _("已保存分类“%(name)s”。") % {"name": form.cleaned_data["name"]})
        return redirect("incidents-console:category", pk=pk)
    return _category_page(request, category, form=form, status=400)


@console_view
@require_POST
def time_limit_set(request, pk):
    admin_only(request)
    category = get_object_or_404(Category.objects.select_related("parent"), pk=pk)
    form = TimeLimitForm(request.POST)
    if submit(form, lambda data: catalogue_edits.set_time_limit(category=category, **data)):
        messages.success(request, _("已保存时限。"))
        return redirect("incidents-console:category", pk=pk)
    return _category_page(request, category, limit_form=form, status=400)


def _routing_page(request, *, form=None, test_form=None, result=None, status=200):
    rules = RoutingRule.objects.select_related("category", "area", "unit").defer("area__boundary")
    return render(
        request,
        "incidents/console/routing.html",
        {
            "rules": rules.order_by("category__code", "area__path"),
            "form": form or RoutingRuleForm(actor=request.user),
            "test_form": test_form or RouteTestForm(actor=request.user),
            "result": result,
        },
        status=status,
    )


@console_view
def routing_rules(request):
    """The rules, the add form and the tester (GET ?category=&grid= runs the test)."""
    if "grid" not in request.GET:
        return _routing_page(request)
    test_form = RouteTestForm(request.GET, actor=request.user)
    if submit(test_form, lambda data: check_row_grid(data["grid"])):
        data = test_form.cleaned_data
        result = {**data, "unit": routing.route(data["category"], data["grid"])}
        return _routing_page(request, test_form=test_form, result=result)
    return _routing_page(request, test_form=test_form, status=400)


@console_view
@require_POST
def routing_rule_add(request):
    admin_only(request)
    form = RoutingRuleForm(request.POST, actor=request.user)
    if submit(form, lambda data: catalogue_edits.add_routing_rule(**data)):
        messages.success(request, _("已添加分拨规则。"))
        return redirect("incidents-console:routing")
    return _routing_page(request, form=form, status=400)


@console_view
@require_POST
def routing_rule_delete(request, pk):
    admin_only(request)
    catalogue_edits.delete_routing_rule(rule=get_object_or_404(RoutingRule, pk=pk))
    messages.success(request, _("已删除分拨规则。"))
    return redirect("incidents-console:routing")
