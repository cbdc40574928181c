"""A draft's lists (platforms, standards, pilot projects, cooperation…) and its plan targets."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_POST

from clusters import services
from clusters.forms import ListItemForm, PlanTargetForm
from core.exceptions import ServiceError

from .common import child_action, form_error_summary


@login_required
@require_POST
def list_item_add(request, pk):
    def action(application):
        form = ListItemForm(request.POST)
        if not form.is_valid():
            raise ServiceError(form_error_summary("条目信息有误", form))
        services.list_item_add(application=application, actor=request.user, **form.cleaned_data)
        return f"已添加“{form.cleaned_data['name']}”。"

    return child_action(request, pk, "lists", action, keep="item")


@login_required
@require_POST
def list_item_remove(request, pk, item_pk):
    return child_action(
        request,
        pk,
        "lists",
        lambda a: services.list_item_remove(application=a, actor=request.user, item_id=item_pk) or "已删除。",
    )


@login_required
@require_POST
def plan_target_add(request, pk):
    def action(application):
        form = PlanTargetForm(request.POST)
        if not form.is_valid():
            raise ServiceError(form_error_summary("规划目标有误", form))
        services.plan_target_add(application=application, actor=request.user, **form.cleaned_data)
        return f"已添加目标“{form.cleaned_data['indicator']}”。"

    return child_action(request, pk, "management", action, keep="target")


@login_required
@require_POST
def plan_target_remove(request, pk, item_pk):
    return child_action(
        request,
        pk,
        "management",
        lambda a: services.plan_target_remove(application=a, actor=request.user, target_id=item_pk) or "已删除。",
    )
