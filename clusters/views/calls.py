"""The province manages its calls: list, create, edit a draft call (thresholds, rubric, attachment list), publish."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import province_required
from clusters import services
from clusters.constants import CallStatus
from clusters.forms import CallForm, RequirementFormSet, RubricFormSet, ThresholdsForm
from clusters.models import Call
from core.exceptions import ServiceError
from core.forms import apply_service_error, message_service_error

from .common import S, threshold_rows


@province_required
def call_manage_list(request):
    calls = Call.objects.annotate(
        n_apps=Count("applications", filter=~Q(applications__state__in=[S.DRAFT, S.WITHDRAWN]))
    ).order_by("-year")
    return render(request, "clusters/call_manage_list.html", {"calls": calls})


@province_required
def call_create(request):
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"已创建{call}（未发布）。请核对认定条件、评分细则和申报材料后发布。")
            return redirect("clusters:call_edit", pk=call.pk)
    return render(request, "clusters/call_form.html", {"form": form, "call": None})


@province_required
def call_edit(request, pk):
    call = get_object_or_404(Call, pk=pk)
    editable = call.status == CallStatus.DRAFT
    post = request.POST if request.method == "POST" and editable else None
    form = CallForm(post, instance=call, prefix="call")
    tform = ThresholdsForm(post, thresholds=call.get_thresholds(), prefix="t")
    rubric = RubricFormSet(post, instance=call, prefix="rubric")
    reqs = RequirementFormSet(post, instance=call, prefix="req")
    if post is not None:
        if all(f.is_valid() for f in (form, tform, rubric, reqs)):
            total = sum(
                (f.cleaned_data["weight"] for f in rubric.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")),
                start=0,
            )
            if total != 100:
                messages.error(request, f"评分细则权重合计为 {total}%，应为 100%。未保存。")
            else:
                call = form.save(commit=False)
                call.thresholds = tform.thresholds().to_dict()
                call.save()
                rubric.save()
                reqs.save()
                messages.success(request, "申报批次已保存。")
                return redirect("clusters:call_edit", pk=call.pk)
        else:
            messages.error(request, "有内容需要修改，未保存。")
    elif request.method == "POST":
        messages.error(request, "已发布的申报批次不能修改。")
    return render(
        request,
        "clusters/call_form.html",
        {
            "form": form,
            "tform": tform,
            "rubric": rubric,
            "reqs": reqs,
            "call": call,
            "editable": editable,
            "thresholds": threshold_rows(call),
        },
    )


@province_required
@require_POST
def call_publish(request, pk):
    call = get_object_or_404(Call, pk=pk)
    try:
        services.call_publish(call=call, actor=request.user)
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, f"{call}已发布。")
    return redirect("clusters:call_edit", pk=call.pk)
