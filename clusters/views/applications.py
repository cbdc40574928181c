"""Application pages: the list, starting a draft from a cluster, and the detail page with its progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clusters import permissions, selectors, services
from clusters.constants import ListKind
from clusters.forms import WithdrawForm
from clusters.progress import application_progress, format_duration
from core import ratings
from core.exceptions import ServiceError
from core.forms import message_service_error
from core.transitions import history_for

from .common import S


@login_required
@require_POST
def application_start(request, cluster_pk):
    cluster = selectors.get_cluster_for_user(user=request.user, pk=cluster_pk)
    call = get_object_or_404(selectors.call_list_public(), pk=request.POST.get("call"))
    try:
        application = services.application_create(actor=request.user, cluster=cluster, call=call)
    except ServiceError as exc:
        message_service_error(request, exc)
        return redirect("clusters:cluster_list")
    messages.success(request, "申报草稿已创建，填写内容会自动保存。")
    return redirect("clusters:application_edit", pk=application.pk, section="basic")


@login_required
def application_list(request):
    qs = selectors.application_list_for_user(user=request.user).order_by("-updated_at")
    state = request.GET.get("state")
    if state in S.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "clusters/application_list.html", {"page": page, "states": S.choices, "state": state})


@login_required
def application_detail(request, pk):
    application = selectors.get_application_for_user(user=request.user, pk=pk)
    if not permissions.can_view_application(request.user, application):
        raise Http404
    full = selectors.application_with_sections(application.pk)
    versions = list(full.versions.order_by("-number"))
    progress = application_progress(full)
    return render(
        request,
        "clusters/application_detail.html",
        {
            "application": full,
            "results": selectors.evaluate_application(full),
            "history": history_for(full),
            "versions": versions,
            "is_owner": permissions.owns(request.user, full),
            "progress": progress,
            "progress_review": format_duration(progress.review_time),
            "progress_returned": format_duration(progress.returned_time),
            "can_edit": permissions.can_edit_application(request.user, full),
            "can_withdraw": permissions.can_withdraw_application(request.user, full),
            "withdraw_form": WithdrawForm(),
            "list_kinds": ListKind.choices,
            "ratable": ratings.rate_links(full, request.user),
        },
    )
