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
from core.dbfunctions import JSONArrayLength
from core.exceptions import ServiceError
from core.forms import apply_service_error
from core.storage import serve

from .. import services
from ..forms.spot_checks import SiteCheckForm, SpotCheckForm
from ..models import SiteCheck, SpotCheckDraw, StoredFile
from ..services.spot_checks import draw_ranking
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
    return render(
        request, "reviews/province/spot_check.html", _page_context(request, call, form), status=form_status(form)
    )


CANDIDATES_PER_PAGE = 50  # the pool of the next draw
DRAWS_PER_PAGE = 10  # the draw log: one line per draw
RANKED_PER_PAGE = 50  # one draw's candidates in the order of their keys: the drawn come first
APP_FIELDS = ("pk", "state", "cluster__name", "cluster__division__name", "cluster__division__parent__name")


def _page_context(request, call, form) -> dict:
    """The page lists at most 50 applications of each kind: at national scale a call has thousands in expert
    review, and each draw records them all. The draw log has one line per draw; one draw at a time (the latest,
    or `?draw=`) shows its candidates ranked by their keys, 50 a page, the drawn ones first."""
    pool = Application.objects.filter(call=call, state=S.EXPERT_REVIEW)
    paginator = Paginator(pool.order_by("pk").values(*APP_FIELDS), CANDIDATES_PER_PAGE)
    paginator.count = pool.count()  # counted without the joins the rows need
    candidates = paginator.get_page(request.GET.get("candidates_page"))
    draws = (
        SpotCheckDraw.objects.filter(call=call)
        .select_related("drawn_by")
        .defer("candidates", "drawn")
        .annotate(n_candidates=JSONArrayLength("candidates"))
    )
    draws_page = Paginator(draws, DRAWS_PER_PAGE).get_page(request.GET.get("page"))
    selected = _selected_draw(request, call)
    context = {
        "call": call,
        "form": form,
        "candidates": candidates,
        "candidates_pager": _pager(request, candidates, "candidates_page", "cand-h"),
        "page": draws_page,
        "selected": selected,
    }
    if selected is not None:
        drawn = set(selected.drawn)
        only_drawn = request.GET.get("show") == "drawn"
        ranking = [
            (rank, pk, key)
            for rank, (pk, key) in enumerate(draw_ranking(selected), start=1)
            if not only_drawn or pk in drawn
        ]
        ranked = Paginator(ranking, RANKED_PER_PAGE).get_page(request.GET.get("rows_page"))
        apps = {a["pk"]: a for a in Application.objects.filter(pk__in=[r[1] for r in ranked]).values(*APP_FIELDS)}
        context["ranked"] = ranked
        context["ranked_pager"] = _pager(request, ranked, "rows_page", "ranked-h")
        context["rows"] = [
            {
                "rank": rank,
                "pk": pk,
                "key": key,
                "app": apps.get(pk),
                "state_label": S(apps[pk]["state"]).label if pk in apps else "",
                "drawn": pk in drawn,
            }
            for rank, pk, key in ranked
        ]
        context["only_drawn"] = only_drawn
        context["show_links"] = {
            "all": _link(request, show=None, rows_page=None, anchor="ranked-h"),
            "drawn": _link(request, show="drawn", rows_page=None, anchor="ranked-h"),
        }
        in_site_check = Application.objects.filter(call=call, state=S.SITE_CHECK).values_list("pk", flat=True)
        context["waiting"] = len(drawn.intersection(in_site_check))
    return context


def _selected_draw(request, call):
    """The draw `?draw=` names (of this call), else the latest; None before the first draw."""
    draws = SpotCheckDraw.objects.filter(call=call).select_related("drawn_by")
    wanted = request.GET.get("draw", "")
    if wanted:
        return get_object_or_404(draws, pk=int(wanted) if wanted.isdigit() else 0)
    return draws.first()


def _link(request, *, anchor, **params) -> str:
    """This page with `params` changed in its query string (None removes one), the rest kept."""
    query = request.GET.copy()
    for name, value in params.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return f"?{query.urlencode()}#{anchor}"


def _pager(request, page, param, anchor) -> dict:
    """Links to the first, previous, next and last pages of one of the page's lists, keeping the other lists'
    pages and the selected draw (`includes/pagination.html` pages only `page`)."""

    def href(number):
        return _link(request, anchor=anchor, **{param: number})

    return {
        "page": page,
        "first": href(1) if page.has_previous() else "",
        "previous": href(page.previous_page_number()) if page.has_previous() else "",
        "next": href(page.next_page_number()) if page.has_next() else "",
        "last": href(page.paginator.num_pages) if page.has_next() else "",
    }


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
