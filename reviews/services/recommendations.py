"""The city's recommendation (推荐文件, Art. 9): one document per city and call listing the applications it
recommends, which move to the province's formal review in the same step; its PDF and summary table; and the
daily reminder of the city deadline."""

import hashlib
import io
from datetime import timedelta

from django.contrib.postgres.aggregates import StringAgg
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Func, JSONField, Max, OuterRef, Subquery, Sum, Value
from django.utils import timezone

from accounts.constants import DivisionLevel, Role
from clusters import selectors as cluster_selectors
from clusters import services as cluster_services
from clusters.constants import ApplicationState
from clusters.models import Application, ApplicationVersion, YearData
from core import transitions
from core.cache import data_version
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.services import enqueue, notify_many
from core.storage import save_generated

from ..models import Recommendation
from ..permissions import can_submit_recommendation

S = ApplicationState
REMIND_DAYS_BEFORE = 3


def default_title(call) -> str:
    return f"关于推荐{call.year}年度江苏省中小企业特色产业集群的函"


def _check_document(*, call, actor, doc_number, doc_date, application_ids):
    """The city, the cleaned 文号 and the ids, or a refusal naming every problem of the document at once."""
    if not (
        actor.is_authenticated
        and actor.role == Role.CITY
        and actor.division
        and actor.division.level == DivisionLevel.CITY
    ):
        raise NotAllowed("只有设区市主管部门可以报送推荐文件。")
    doc_number = (doc_number or "").strip()
    errors = {}
    if not doc_number:
        errors["doc_number"] = ["请填写推荐文件文号。"]
    if doc_date is None:
        errors["doc_date"] = ["请填写成文日期。"]
    elif doc_date > timezone.localdate():
        errors["doc_date"] = ["成文日期不能晚于今天。"]
    ids = sorted({int(i) for i in application_ids or []})
    if not ids:
        errors["applications"] = ["请至少选择一个推荐的申报。"]
    if errors:
        raise ServiceError(
            "推荐文件信息不完整：" + "；".join(m for msgs in errors.values() for m in msgs), errors=errors
        )
    if timezone.now() > call.city_deadline:
        raise ServiceError(f"{call}的设区市推荐已于 {timezone.localtime(call.city_deadline):%Y-%m-%d %H:%M} 截止。")
    return actor.division, doc_number, ids


def _recommended(call, actor, ids, *, lock: bool) -> list:
    qs = cluster_selectors.application_list_for_user(user=actor).filter(pk__in=ids, call=call)
    if lock:
        qs = qs.select_for_update(of=("self",))
    apps = list(qs)
    if {a.pk for a in apps} != set(ids):
        raise ServiceError("所选申报中有不属于本市或本批次的申报，未报送。")
    not_ready = [str(a) for a in apps if a.state != S.CITY_REVIEW]
    if not_ready:
        raise Conflict("以下申报已不在设区市初审环节，未报送：" + "、".join(not_ready))
    return apps


def recommendation_check(*, call, actor, doc_number: str, doc_date, application_ids) -> list:
    """Everything `recommendation_submit` checks, without writing anything: the applications the document would
    recommend. The form shows the document's preview (and its confirm button) only once this passes."""
    city, doc_number, ids = _check_document(
        call=call, actor=actor, doc_number=doc_number, doc_date=doc_date, application_ids=application_ids
    )
    apps = _recommended(call, actor, ids, lock=False)
    if Recommendation.objects.filter(city=city, doc_number=doc_number).exists():
        raise ServiceError(f"文号“{doc_number}”已被本市的另一份推荐文件使用。", errors={"doc_number": ["文号重复。"]})
    return apps


def recommendation_submit(
    *, call, actor, doc_number: str, doc_date, application_ids, title: str = "", body: str = ""
) -> Recommendation:
    """Create the city's recommendation document and move every listed application to formal review, in one step."""
    city, doc_number, ids = _check_document(
        call=call, actor=actor, doc_number=doc_number, doc_date=doc_date, application_ids=application_ids
    )
    title = title.strip() or default_title(call)
    try:
        with transaction.atomic():
            apps = _recommended(call, actor, ids, lock=True)
            rec = Recommendation.objects.create(
                call=call, city=city, doc_number=doc_number, doc_date=doc_date, title=title, body=body, created_by=actor
            )
            rec.applications.set(apps)
            rec = transitions.transition(
                rec, "submit", actor=actor, permission=can_submit_recommendation, comment=doc_number, freeze=True
            )
            for app in apps:
                cluster_services.application_transition(
                    application=app,
                    actor=actor,
                    verb="recommend",
                    method="recommend",
                    comment=f"推荐文件 {doc_number}",
                    expected_state=S.CITY_REVIEW,
                )
            enqueue("reviews.tasks.render_recommendation_pdf", rec.pk)
    except IntegrityError as exc:
        raise ServiceError(
            f"文号“{doc_number}”已被本市的另一份推荐文件使用。", errors={"doc_number": ["文号重复。"]}
        ) from exc
    return rec


def recommendation_rows(rec):
    """The summary table (推荐汇总表): one row per recommended application."""
    return _summary_rows(Application.objects.filter(recommendations=rec))


def summary_rows(applications):
    """The summary table's rows for these applications (a document's, or the preview's before it exists)."""
    return _summary_rows(Application.objects.filter(pk__in=[a.pk for a in applications]))


# The codes of the hard rules the latest version fails, in the order of its results: computed by PostgreSQL, so
# that each version's full results (~6 KB of JSON) are neither sent nor decoded.
FAILED_HARD_RULES = '$[*] ? (@.kind == "hard" && @.outcome == "fail").code'
FAILED_SQL = "jsonb_path_query_array(%(expressions)s::jsonpath)"


def _summary_rows(apps):
    """One query whatever the number of rows: the year before the call's figures and the latest version's
    eligibility are read in subqueries, as plain values (not every year and every version's full snapshot)."""
    year = YearData.objects.filter(application=OuterRef("pk"), year=OuterRef("call__year") - 1)
    latest = ApplicationVersion.objects.filter(application=OuterRef("pk")).order_by("-number")
    if connection.vendor == "postgresql":
        latest = latest.annotate(
            failed=Func(F("eligibility"), Value(FAILED_HARD_RULES), template=FAILED_SQL, output_field=JSONField())
        )
    else:  # SQLite (development): the latest results themselves, their failed hard rules picked out below
        latest = latest.annotate(failed=F("eligibility"))
    values = (
        apps.annotate(
            total_output=Subquery(year.values("total_output")[:1]),
            lead_output=Subquery(year.values("lead_output")[:1]),
            failed=Subquery(latest.values("failed")[:1], output_field=JSONField()),
        )
        .order_by("cluster__division_id", "cluster__name", "pk")
        .values(
            "cluster__name",
            "cluster__division__name",
            "cluster__lead_industry",
            "applicant__name",
            "total_output",
            "lead_output",
            "failed",
        )
    )
    rows = []
    for i, app in enumerate(values, start=1):
        failed = app["failed"]
        if connection.vendor != "postgresql":
            failed = [r.get("code") for r in failed or [] if r.get("kind") == "hard" and r.get("outcome") == "fail"]
        rows.append(
            {
                "no": i,
                "cluster": app["cluster__name"],
                "county": app["cluster__division__name"],
                "lead_industry": app["cluster__lead_industry"],
                "applicant": app["applicant__name"],
                "total_output": app["total_output"],
                "lead_output": app["lead_output"],
                "failed": "、".join(failed) if failed else "全部达标",
            }
        )
    return rows


def _pdf_stored(field_file) -> bool:
    return bool(field_file) and field_file.storage.exists(field_file.name)


def recommendation_pdf(rec):
    """The letter and its summary table as one PDF, in `rec.pdf`: rendered once and kept (a second call, or a
    second run of the task, returns the stored file)."""
    from core.pdf import render_pdf

    if _pdf_stored(rec.pdf):
        return rec.pdf
    with transaction.atomic():
        # The row lock makes two renderings at once (the task and a download) store one file, not two.
        stored = Recommendation.objects.select_for_update().only("pk", "pdf").get(pk=rec.pk)
        if _pdf_stored(stored.pdf):
            rec.pdf = stored.pdf.name
            return rec.pdf
        content = render_pdf(
            "reviews/pdf/recommendation.html",
            {"rec": rec, "rows": recommendation_rows(rec), "authority": f"{rec.city.name}工业和信息化局"},
        )
        save_generated(rec.pdf, content)
        # The document itself is frozen; its rendering is not part of it, so only this column is written.
        Recommendation.objects.filter(pk=rec.pk).update(pdf=rec.pdf.name)
    return rec.pdf


XLSX_SECONDS = 600
# Logged changes of what the workbook reads: the document, and its applications (each transition of one).
XLSX_INPUTS = ("reviews.recommendation", "clusters.application")


def _xlsx_key(rec) -> str:
    """The workbook's cache key: the document, the data versions of XLSX_INPUTS, and a stamp of what can change
    without a log entry: a draft's sections and year data (`updated_at`, `edit_version`), the cluster's basic
    data (`updated_at`), the applicant's name (an administrator's edit), in one aggregate query."""
    apps = Application.objects.filter(recommendations=rec)
    figures = {"n": Count("pk"), "apps": Max("updated_at"), "edits": Sum("edit_version")}
    figures["clusters"] = Max("cluster__updated_at")
    if connection.vendor == "postgresql":
        figures["names"] = Func(StringAgg("applicant__name", "|", order_by="pk"), function="md5")
    stamp = apps.aggregate(**figures)
    if "names" not in figures:  # SQLite (development): the names themselves, in a second query
        stamp["names"] = list(apps.order_by("pk").values_list("applicant__name", flat=True))
    document = (rec.call.year, rec.city.name, rec.doc_number, sorted(stamp.items()))
    digest = hashlib.sha1(repr(document).encode(), usedforsecurity=False).hexdigest()
    return f"recommendation-xlsx:v1:{rec.pk}:{data_version(*XLSX_INPUTS)}:{digest}"


def recommendation_xlsx(rec) -> bytes:
    """The summary table as a workbook, built once per change of what it shows (see `_xlsx_key`)."""
    return cache.get_or_set(_xlsx_key(rec), lambda: _recommendation_workbook(rec), XLSX_SECONDS)


def _recommendation_workbook(rec) -> bytes:
    """The summary table as a workbook, written in openpyxl's write-only mode: rows streamed as bare values, a
    cell object only for the styled title and headers and for text a spreadsheet would run as a formula (kept
    as text, as `core.excel` does)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from core.excel import write_only_cell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("推荐汇总表")
    for col, width in zip("ABCDEFGH", (6, 30, 16, 16, 30, 18, 20, 20), strict=True):
        ws.column_dimensions[col].width = width

    ws.append(
        [
            write_only_cell(
                ws,
                f"{rec.call.year}年度江苏省中小企业特色产业集群推荐汇总表（{rec.city.name}，{rec.doc_number}）",
                font=Font(bold=True, size=13),
            )
        ]
    )
    headers = [
        "序号",
        "集群名称",
        "所在县（市、区）",
        "主导产业",
        "申报主体",
        f"{rec.call.year - 1}年总产值（万元）",
        f"{rec.call.year - 1}年主导产业产值（万元）",
        "资格自评未达标项",
    ]
    bold, centred = Font(bold=True), Alignment(horizontal="center")
    ws.append([write_only_cell(ws, h, font=bold, alignment=centred) for h in headers])
    for r in recommendation_rows(rec):
        ws.append([write_only_cell(ws, r[key]) for key in SUMMARY_KEYS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


SUMMARY_KEYS = ("no", "cluster", "county", "lead_industry", "applicant", "total_output", "lead_output", "failed")


def remind_city_deadlines(now=None) -> int:
    """Daily sweep: remind county and city authorities of applications still waiting as a call's city
    deadline nears. Deadlines come from the calls in the database; a reminder already sent to a user for a call
    is not sent again. Queries do not grow with the number of waiting applications."""
    from accounts.models import User
    from clusters.constants import CallStatus
    from clusters.models import Call
    from core.models import Notification

    now = now or timezone.now()
    sent = 0
    calls = Call.objects.filter(
        status=CallStatus.PUBLISHED, city_deadline__gt=now, city_deadline__lte=now + timedelta(days=REMIND_DAYS_BEFORE)
    )
    for call in calls:
        deadline = timezone.localtime(call.city_deadline)
        title = f"{call.year}年度设区市推荐将于 {deadline:%m月%d日 %H:%M} 截止"
        waiting = list(
            Application.objects.filter(call=call, state__in=[S.COUNTY_REVIEW, S.CITY_REVIEW])
            .select_related("cluster__division")
            .order_by("pk")
        )
        if not waiting:
            continue
        # One query for every authority user concerned, keyed by (role, division code).
        wanted = {(Role.COUNTY, a.cluster.division_id) for a in waiting if a.state == S.COUNTY_REVIEW}
        wanted |= {(Role.CITY, a.cluster.division.parent_id) for a in waiting if a.state == S.CITY_REVIEW}
        users = User.objects.filter(
            is_active=True,
            role__in=[Role.COUNTY, Role.CITY],
            organisation__division_id__in={code for _role, code in wanted},
        ).select_related("organisation")
        by_key: dict = {}
        for user in users:
            by_key.setdefault((user.role, user.organisation.division_id), []).append(user)
        per_user: dict = {}
        for app in waiting:
            key = (
                (Role.COUNTY, app.cluster.division_id)
                if app.state == S.COUNTY_REVIEW
                else (Role.CITY, app.cluster.division.parent_id)
            )
            for user in by_key.get(key, []):
                per_user.setdefault(user.pk, (user, []))[1].append(app)
        already = set(
            Notification.objects.filter(title=title, recipient_id__in=per_user).values_list("recipient_id", flat=True)
        )
        reminders = []
        for user_id, (user, apps) in per_user.items():
            if user_id in already:
                continue
            names = "、".join(a.cluster.name for a in apps[:10])
            more = f"等 {len(apps)} 个" if len(apps) > 10 else f"共 {len(apps)} 个"
            reminders.append((user, title, f"仍待您办理的申报：{names}（{more}）。", "/review/"))
        # Every reminder of the call in two inserts (notifications, e-mails), not two per recipient.
        with transaction.atomic():
            notify_many(reminders)
        sent += len(reminders)
    return sent
