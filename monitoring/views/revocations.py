"""Revocation (撤销认定, Art. 14): the province opens, adds evidence, decides and publishes; the cluster and the
authorities over it see the case and its evidence (404 for anyone else); the public sees published decisions."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import ServiceError
from core.forms import apply_service_error
from core.storage import serve
from core.transitions import history_for

from .. import permissions, selectors, services
from ..forms import AttachmentForm, RevocationDecisionForm, RevocationOpenForm
from ..models import LifecycleFile
from ..policy import regulation_warning
from .common import act_then_redirect, monitoring_required, page_of, province_only, upload_then_redirect


def _case(request, pk):
    case = selectors.get_revocation_for_user(user=request.user, pk=pk)
    if not permissions.can_view_revocation(request.user, case):
        raise Http404
    return case


def _context(request, case, **extra):
    full = selectors.revocation_with_files(case.pk)
    user = request.user
    return {
        "case": full,
        "files": full.active_files,
        "history": history_for(full),
        "can_decide": permissions.can_decide_revocation(user, full),
        "can_publish": permissions.can_publish_revocation(user, full),
        "can_add_evidence": permissions.can_add_evidence_revocation(user, full),
        "is_province": permissions.is_province(user),
        "regulation_warning": regulation_warning() if permissions.can_decide_revocation(user, full) else "",
        "decision_form": extra.pop("decision_form", None) or RevocationDecisionForm(),
        "upload_form": extra.pop("upload_form", None) or AttachmentForm(),
        **extra,
    }


@monitoring_required
@require_GET
def revocation_detail(request, pk):
    return render(request, "monitoring/revocation_detail.html", _context(request, _case(request, pk)))


@province_only
def revocation_open(request):
    certifications = selectors.certifications_for_revocation()
    initial = {}
    if request.method != "POST" and (raw := request.GET.get("certification", "")).isdigit():
        initial["certification"] = raw
    form = RevocationOpenForm(
        request.POST or None, request.FILES or None, certifications=certifications, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.revocation_open(
                actor=request.user,
                certification=data["certification"],
                ground=data["ground"],
                evidence=data["evidence"],
                files=[data["file"]] if data.get("file") else [],
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "已提出撤销认定建议，集群已收到通知。")
            return redirect("monitoring:revocation_detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "monitoring/revocation_open.html", {"form": form}, status=status)


@monitoring_required
@require_POST
def revocation_decide(request, pk):
    case = _case(request, pk)
    form = RevocationDecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "revoke":
                services.revocation_revoke(
                    case=case,
                    actor=request.user,
                    number=data["decision_number"],
                    date=data["decision_date"],
                    reasons=data["decision_reasons"],
                    successor_regulation=data["successor_regulation"],
                )
            else:
                services.revocation_dismiss(
                    case=case,
                    actor=request.user,
                    reason=data["dismiss_reason"],
                    successor_regulation=data["successor_regulation"],
                )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "决定已作出。")
            return redirect("monitoring:revocation_detail", pk=case.pk)
    return render(request, "monitoring/revocation_detail.html", _context(request, case, decision_form=form), status=400)


@monitoring_required
@require_POST
def revocation_publish(request, pk):
    case = _case(request, pk)
    return act_then_redirect(
        request,
        lambda: services.revocation_publish(case=case, actor=request.user),
        to=reverse("monitoring:revocation_detail", args=[case.pk]),
        done="撤销决定已在公开栏目公布。",
    )


@monitoring_required
@require_POST
def revocation_evidence_upload(request, pk):
    case = _case(request, pk)
    return upload_then_redirect(
        request,
        lambda **file: services.revocation_add_evidence(case=case, actor=request.user, **file),
        to=reverse("monitoring:revocation_detail", args=[case.pk]),
        done="已上传证明材料“{name}”。",
    )


@monitoring_required
@require_GET
def revocation_evidence(request, pk, file_pk):
    case = _case(request, pk)
    item = get_object_or_404(LifecycleFile, case=case, pk=file_pk)
    return serve(item.file, filename=item.original_name, file_type=item.file_type, inline=False)


def _decision_pdf(case):
    if not case.decision_pdf:
        services.revocation_render_decision(case.pk)
        case.refresh_from_db()
    if not case.decision_pdf:
        raise Http404
    return serve(case.decision_pdf, filename=f"撤销认定决定-{case.decision_number}.pdf", file_type="pdf")


@monitoring_required
@require_GET
def revocation_decision_pdf(request, pk):
    return _decision_pdf(_case(request, pk))


# ---------------------------------------------------------------- the public


@require_GET
def public_revocation_list(request):
    """Published revocation decisions (撤销认定公告): no login, no evidence, no personal data."""
    number = request.GET.get("number", "")
    page = page_of(request, selectors.public_revocations(number=number))
    return render(request, "monitoring/public/revocations.html", {"page": page, "number": number.strip()[:40]})


@require_GET
def public_revocation_detail(request, pk):
    return render(request, "monitoring/public/revocation.html", {"case": selectors.published_revocation(pk)})


@require_GET
def public_revocation_pdf(request, pk):
    return _decision_pdf(selectors.published_revocation(pk))
