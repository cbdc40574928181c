"""An applicant body's clusters: the list (with the calls it can apply to), registration and editing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.selectors import divisions_for_user
from clusters import permissions, selectors, services
from clusters.forms import ClusterForm
from core.exceptions import ServiceError
from core.forms import apply_service_error

from .common import S


@login_required
def cluster_list(request):
    clusters = selectors.cluster_list_for_user(user=request.user).prefetch_related("applications__call")
    page = Paginator(clusters, 20).get_page(request.GET.get("page"))
    open_calls = list(selectors.call_list_public().filter(closes_at__gte=timezone.now()))
    can_register = request.user.is_applicant
    for cluster in page.object_list:
        applications = sorted(cluster.applications.all(), key=lambda a: (-a.call.year, -a.pk))
        taken = {a.call_id for a in applications if a.state != S.WITHDRAWN}
        cluster.application_rows = applications
        cluster.startable_calls = [c for c in open_calls if c.pk not in taken] if can_register else []
    return render(
        request,
        "clusters/cluster_list.html",
        {"page": page, "open_calls": open_calls, "can_register": can_register},
    )


@login_required
def cluster_create(request):
    if not request.user.is_applicant:
        raise Http404
    divisions = divisions_for_user(request.user)
    form = ClusterForm(request.POST or None, divisions=divisions)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("advanced_tags", "chain_tags")}
        try:
            cluster = services.cluster_register(actor=request.user, tags=form.tags(), **data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"集群“{cluster.name}”已登记。")
            return redirect("clusters:cluster_list")
    return render(request, "clusters/cluster_form.html", {"form": form})


@login_required
def cluster_edit(request, pk):
    cluster = selectors.get_cluster_for_user(user=request.user, pk=pk)
    if not permissions.can_edit_cluster(request.user, cluster):
        raise Http404
    form = ClusterForm(request.POST or None, instance=cluster, divisions=divisions_for_user(request.user))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("advanced_tags", "chain_tags")}
        try:
            services.cluster_update(cluster=cluster, actor=request.user, tags=form.tags(), **data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "集群信息已保存。")
            return redirect("clusters:cluster_list")
    return render(request, "clusters/cluster_form.html", {"form": form, "cluster": cluster})
