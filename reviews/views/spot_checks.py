"""Spot checks (Art. 10): the draw page of a call (draw and re-draw verification), the site check record of a
drawn application, and the download of the stored files of site checks and meetings."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.decorators import province_required
from clusters import selectors as cluster_selectors
from clusters.constants import ApplicationState
from clusters.models import Application
from core.exceptions import ServiceError
from core.forms import apply_service_error
from core.storage import serve

from .. import selectors, services
from ..forms.spot_checks import SiteCheckForm, SpotCheckForm
from ..models import SiteCheck, SpotCheckDraw, StoredFile
from .common import call_or_404, form_status

S = ApplicationState


@province_required
def spot_check(request, call_pk):
    call = call_or_404(call_pk)
    form = SpotCheckForm(initial={"seed": timezone.localdate().strftime("%Y%m%d")})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "verify":
            draw_pk = request.POST.get("draw", "")
            draw = get_object_or_404(SpotCheckDraw, pk=int(draw_pk) if draw_pk.isdigit() else 0, call=call)
            if services.spot_check_verify(draw):
                messages.success(request, f"重新抽取验证：一致。以种子 {draw.seed} 重新计算，抽中名单与记录相同。")
            else:
                messages.error(request, f"重新抽取验证：不一致！以种子 {draw.seed} 重新计算的抽中名单与记录不同。")
            return redirect("reviews:spot_check", call_pk=call.pk)
        form = SpotCheckForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                draw = services.spot_check_draw(
                    call=call,
                    actor=request.user,
                    seed=d["seed"],
                    size=d["size"] or None,
                    fraction=d["fraction"] or None,
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    f"已抽取 {len(draw.drawn)} 个申报进入实地抽查，其余 {len(draw.candidates) - len(draw.drawn)} 个进入会审。",
                )
                return redirect("reviews:spot_check", call_pk=call.pk)
        else:
            messages.error(request, "抽取条件有误，请按提示修改。")
    candidates = list(selectors.applications_in(call, S.EXPERT_REVIEW))
    draws_page = Paginator(SpotCheckDraw.objects.filter(call=call).select_related("drawn_by"), 10).get_page(
        request.GET.get("page")
    )
    ids = {pk for draw in draws_page for pk in draw.candidates}
    apps = {
        a.pk: a
        for a in Application.objects.filter(pk__in=ids)
        .select_related("cluster__division__parent")
        .only("pk", "state", "cluster__name", "cluster__division__name", "cluster__division__parent__name")
    }
    draws = []
    for draw in draws_page:
        drawn = set(draw.drawn)
        draws.append(
            {
                "draw": draw,
                "candidates": [
                    {"pk": pk, "app": apps.get(pk), "key": services.draw_key(draw.seed, pk), "drawn": pk in drawn}
                    for pk in draw.candidates
                ],
                "drawn": [{"pk": pk, "app": apps.get(pk)} for pk in draw.drawn],
            }
        )
    return render(
        request,
        "reviews/province/spot_check.html",
        {"call": call, "form": form, "candidates": candidates, "draws": draws, "page": draws_page},
        status=form_status(form),
    )


@province_required
def site_check(request, pk):
    application = get_object_or_404(
        cluster_selectors.application_list_for_user(user=request.user)
        .filter(Q(state=S.SITE_CHECK) | Q(site_checks__isnull=False))
        .distinct(),
        pk=pk,
    )
    form = SiteCheckForm(initial={"check_date": timezone.localdate()})
    if request.method == "POST":
        form = SiteCheckForm(request.POST, request.FILES)
        if application.state != S.SITE_CHECK:
            form.add_error(None, "该申报已不在实地抽查环节，不能再记录核查。")
        elif form.is_valid():
            d = form.cleaned_data
            try:
                services.site_check_record(
                    application=application,
                    actor=request.user,
                    check_date=d["check_date"],
                    inspectors=d["inspectors"],
                    findings=d["findings"],
                    result=d["result"],
                    files=d["files"],
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, f"已记录 {application.cluster.name} 的实地核查，申报进入会审。")
                return redirect("reviews:site_check", pk=application.pk)
        messages.error(request, "核查记录未保存，请按提示修改。")
    checks = (
        SiteCheck.objects.filter(application=application)
        .select_related("recorded_by", "draw")
        .prefetch_related("files")
    )
    return render(
        request,
        "reviews/province/site_check.html",
        {"application": application, "call": application.call, "form": form, "checks": checks},
        status=form_status(form),
    )


@province_required
def stored_file(request, pk):
    """A photo or document of a site check or a meeting (province staff only)."""
    stored = get_object_or_404(StoredFile, pk=pk)
    return serve(
        stored.file, filename=stored.original_name, file_type=stored.file_type, inline=request.GET.get("inline") == "1"
    )
