"""Reads that span relations or are scoped to a user."""

from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Prefetch, Q
from django.http import Http404

from accounts.constants import Role
from accounts.selectors import NOTHING, jurisdiction_q
from clusters import eligibility
from clusters.constants import COUNTED_LEVELS, DECLARATIONS, ApplicationState, CallStatus, ListKind

# The review conditions, read by the review tiers (reviews) through this module.
from .conditions import CONDITION_CODES as CONDITION_CODES
from .conditions import condition_rows as condition_rows
from .conditions import condition_titles as condition_titles
from .conditions import opinions_by_section as opinions_by_section
from .models import Application, Attachment, Call, Cluster, Enterprise, ListItem, PlanTarget, YearData

S = ApplicationState

# The fields an applicant fills in on the application itself (services.application_update accepts only these).
APPLICATION_FIELDS = [
    "contact_name", "contact_phone", "contact_email", "summary", "policy_fit", "supply_chain", "innovation_mechanism",
    "cloud_share_pct", "platform_penetration_pct", "digital_notes", "energy_intensive", "energy_above_benchmark",
    "water_intensive", "water_above_benchmark", "pollution_control", "green_notes", "management_body",
    "management_body_credit_code", "service_system", "promotion_mechanism", "plan_summary",
    "decl_prohibited_industry", "decl_major_accident", "decl_cyber_incident", "decl_tax_dishonesty",
]  # fmt: skip
YEAR_FIELDS = [
    "total_output",
    "sme_output",
    "lead_output",
    "sme_rnd",
    "invention_patents",
    "employees",
    "co2_intensity",
]


def call_list_public():
    return Call.objects.filter(status=CallStatus.PUBLISHED).order_by("-year")


def open_calls(at=None):
    from django.utils import timezone

    at = at or timezone.now()
    return Call.objects.filter(status=CallStatus.PUBLISHED, opens_at__lte=at, closes_at__gte=at).order_by("-year")


def cluster_list_for_user(*, user):
    qs = Cluster.objects.select_related("division__parent", "owner")
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.APPLICANT:
        return qs.filter(owner_id=user.organisation_id) if user.organisation_id else qs.none()
    return qs.filter(jurisdiction_q(user, "division"))


def application_list_for_user(*, user):
    """Applications the user may see; authorities never see an application that was never submitted."""
    qs = Application.objects.select_related("call", "cluster__division__parent", "applicant")
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.APPLICANT:
        return qs.filter(applicant_id=user.organisation_id) if user.organisation_id else qs.none()
    if user.role == Role.EXPERT:
        from guardian.shortcuts import get_objects_for_user

        return get_objects_for_user(user, "clusters.view_application", klass=qs, accept_global_perms=False)
    scope = jurisdiction_q(user, "cluster__division")
    if scope == NOTHING:
        return qs.none()
    # Also hides a draft withdrawn before its first submission: it never reached the authorities.
    return qs.filter(scope).exclude(submission_count=0)


def get_application_for_user(*, user, pk) -> Application:
    """The application behind every URL under /applications/<pk>/ (its page, PDFs, attachments, diffs, the
    eligibility panel, the roster template): in the user's list AND passing the page's view predicate, so
    that an expert who has not declared on the conflict of interest gets 404 everywhere, not only on the page."""
    from clusters.permissions import can_view_application

    try:
        application = application_list_for_user(user=user).get(pk=pk)
    except (Application.DoesNotExist, ValueError):
        raise Http404("申报不存在") from None
    if not can_view_application(user, application):
        raise Http404("申报不存在")
    return application


def valid_certifications(*, cluster=None, division=None, management_body: str = "", credit_code: str = ""):
    """Certifications in force today (valid or expiring, not revoked, not past their end) of this cluster, or of
    a cluster in `division` run by the same management body (by its name, or the credit code its application
    gave). A certified cluster renews by re-review (复核, Art. 11), never by applying again as a new cluster."""
    from django.utils import timezone

    from .models import Certification, CertificationStatus

    match = Q(cluster=cluster) if cluster is not None else Q(pk__in=[])
    body, code = (management_body or "").strip(), (credit_code or "").strip().upper()
    if division is not None and body:
        match |= Q(cluster__division=division) & (
            Q(cluster__management_body=body) | Q(application__management_body=body)
        )
    if division is not None and code:
        match |= Q(cluster__division=division, application__management_body_credit_code=code)
    return (
        Certification.objects.filter(match)
        .filter(
            status__in=[CertificationStatus.VALID, CertificationStatus.EXPIRING],
            valid_to__gte=timezone.localdate(),
        )
        .select_related("cluster")
        .order_by("valid_from", "pk")
    )


def get_cluster_for_user(*, user, pk) -> Cluster:
    try:
        return cluster_list_for_user(user=user).get(pk=pk)
    except (Cluster.DoesNotExist, ValueError):
        raise Http404("集群不存在") from None


def active_attachments(application):
    return application.attachments.filter(removed_at__isnull=True).select_related("requirement")


def application_with_sections(application_id):
    """One application with every section prefetched (a fixed number of queries, whatever the size)."""
    return (
        Application.objects.select_related("call", "cluster__division__parent", "applicant", "created_by")
        .prefetch_related(
            Prefetch("year_data", queryset=YearData.objects.order_by("year")),
            Prefetch("enterprises", queryset=Enterprise.objects.order_by("id")),
            Prefetch("list_items", queryset=ListItem.objects.order_by("kind", "id")),
            Prefetch("plan_targets", queryset=PlanTarget.objects.order_by("id")),
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(removed_at__isnull=True).select_related("requirement"),
                to_attr="active_attachments",
            ),
            "cluster__tags",
            "call__requirements",
        )
        .get(pk=application_id)
    )


def build_facts(application) -> eligibility.Facts:
    """The eligibility engine's input, read from the application's current data."""
    years = {
        y.year: eligibility.YearFigures(
            total_output=y.total_output,
            sme_output=y.sme_output,
            lead_output=y.lead_output,
            sme_rnd=y.sme_rnd,
            invention_patents=y.invention_patents,
            employees=y.employees,
            co2_intensity=y.co2_intensity,
        )
        for y in application.year_data.all()
    }
    enterprises = [
        eligibility.EnterpriseFacts(credit_code=e.credit_code, in_lead_industry=e.in_lead_industry, titles=e.titles)
        for e in application.enterprises.all()
    ]
    # Sharing initiatives and international activities count whatever they are; platforms, standards and pilot
    # projects only at the levels Art. 6 names (COUNTED_LEVELS).
    counts = {k: 0 for k in ListKind.values}
    for item in application.list_items.all():
        if item.kind not in COUNTED_LEVELS or item.level in COUNTED_LEVELS[item.kind]:
            counts[item.kind] += 1
    attachments = getattr(application, "active_attachments", None)
    if attachments is None:
        attachments = list(active_attachments(application))
    return eligibility.Facts(
        call_year=application.call.year,
        area_km2=application.cluster.area_km2,
        years=years,
        enterprises=enterprises,
        sharing_initiatives=counts[ListKind.SHARING],
        provincial_platforms=counts[ListKind.PLATFORM],
        standards=counts[ListKind.STANDARD],
        cloud_share_pct=application.cloud_share_pct,
        platform_penetration_pct=application.platform_penetration_pct,
        pilot_projects=counts[ListKind.PILOT],
        energy_intensive=application.energy_intensive,
        energy_above_benchmark=application.energy_above_benchmark,
        water_intensive=application.water_intensive,
        water_above_benchmark=application.water_above_benchmark,
        international_activities=counts[ListKind.INTERNATIONAL],
        has_management_body=bool(application.management_body.strip()),
        has_service_system=bool(application.service_system.strip()),
        plan_target_count=len(application.plan_targets.all()),
        has_plan_document=any(a.purpose == Attachment.PURPOSE_PLAN for a in attachments),
        declarations=application.declarations,
    )


def evaluate_application(application):
    return eligibility.evaluate(build_facts(application), application.call.get_thresholds())


SECTIONS = [
    ("basic", "基本信息"),
    ("data", "经济数据"),
    ("roster", "企业名册"),
    ("lists", "创新与合作"),
    ("digital", "数字化与绿色化"),
    ("management", "运营管理与发展规划"),
    ("declarations", "承诺声明"),
    ("attachments", "申报材料"),
    ("review", "资格自评与提交"),
]


def section_status(application) -> dict[str, bool]:
    """Which form sections are complete: drives the progress bar."""
    years = list(application.year_data.all())
    data_fields = ("total_output", "sme_output", "lead_output", "sme_rnd", "invention_patents", "employees")
    attachments = getattr(application, "active_attachments", None)
    if attachments is None:
        attachments = list(active_attachments(application))
    have_reqs = {a.requirement_id for a in attachments if a.requirement_id}
    needed = {r.pk for r in application.call.requirements.all() if r.required}
    status = {
        "basic": bool(application.contact_name and application.contact_phone and application.summary),
        "data": len(years) == 4 and all(getattr(y, f) is not None for y in years for f in data_fields),
        "roster": len(application.enterprises.all()) > 0,
        "lists": len(application.list_items.all()) > 0,
        "digital": application.cloud_share_pct is not None and application.platform_penetration_pct is not None,
        "management": bool(application.management_body and application.service_system)
        and len(application.plan_targets.all()) > 0
        and any(a.purpose == Attachment.PURPOSE_PLAN for a in attachments),
        "declarations": all(getattr(application, f) is not None for f, _k, _l in DECLARATIONS),
        "attachments": needed <= have_reqs,
    }
    status["review"] = all(status.values())
    return status


def _s(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def snapshot(application) -> dict:
    """Everything the applicant entered, as JSON-safe data (frozen into a version at submission)."""
    cluster = application.cluster
    attachments = getattr(application, "active_attachments", None)
    if attachments is None:
        attachments = list(active_attachments(application))
    app_fields = APPLICATION_FIELDS
    return {
        "cluster": {
            "name": cluster.name,
            "division": cluster.division.full_name,
            "division_code": cluster.division_id,
            "lead_industry": cluster.lead_industry,
            "segment": cluster.segment,
            "area_km2": _s(cluster.area_km2),
            "management_body": cluster.management_body,
            "tags": [t.name for t in cluster.tags.all()],
        },
        "applicant": {"name": application.applicant.name, "credit_code": application.applicant.credit_code or ""},
        "application": {f: _s(getattr(application, f)) for f in app_fields},
        "years": [
            {
                "year": y.year,
                **{f: _s(getattr(y, f)) for f in YEAR_FIELDS},
            }
            for y in application.year_data.all()
        ],
        "enterprises": [
            {
                "name": e.name,
                "credit_code": e.credit_code,
                "in_lead_industry": e.in_lead_industry,
                "champion_cert": e.champion_cert,
                "giant_cert": e.giant_cert,
                "specialised_cert": e.specialised_cert,
                "hightech_cert": e.hightech_cert,
                "employees": _s(e.employees),
            }
            for e in application.enterprises.all()
        ],
        "lists": [
            {
                "kind": i.kind,
                "name": i.name,
                "level": i.level,
                "reference": i.reference,
                "year": _s(i.year),
                "description": i.description,
            }
            for i in application.list_items.all()
        ],
        "plan_targets": [
            {
                "indicator": t.indicator,
                "unit": t.unit,
                "baseline": _s(t.baseline),
                "target_1": _s(t.target_1),
                "target_2": _s(t.target_2),
                "target_3": _s(t.target_3),
            }
            for t in application.plan_targets.all()
        ],
        "attachments": [
            {
                "id": a.pk,
                "name": a.original_name,
                "requirement": a.requirement.name if a.requirement_id else a.get_purpose_display(),
                "sha256": a.sha256,
                "size": a.size,
            }
            for a in attachments
        ],
    }


def _field_label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def diff_snapshots(old: dict, new: dict) -> list[dict]:
    """What changed between two snapshots: a list of {section, item, field, old, new}."""
    changes = []
    cluster_labels = {
        "name": "集群名称", "division": "所在地", "lead_industry": "主导产业", "segment": "细分领域",
        "area_km2": "占地面积（平方公里）", "management_body": "运营管理机构", "tags": "产业标签",
    }  # fmt: skip
    old_cluster, new_cluster = old.get("cluster", {}), new.get("cluster", {})
    for key, label in cluster_labels.items():
        if old_cluster.get(key) != new_cluster.get(key):
            changes.append(
                {
                    "section": "基本信息",
                    "item": "",
                    "field": label,
                    "old": old_cluster.get(key),
                    "new": new_cluster.get(key),
                }
            )
    for key, value in new.get("application", {}).items():
        before = old.get("application", {}).get(key)
        if before != value:
            changes.append(
                {
                    "section": "申报内容",
                    "item": "",
                    "field": _field_label(Application, key),
                    "old": before,
                    "new": value,
                }
            )
    old_years = {y["year"]: y for y in old.get("years", [])}
    for y in new.get("years", []):
        before = old_years.get(y["year"], {})
        for key, value in y.items():
            if key != "year" and before.get(key) != value:
                changes.append(
                    {
                        "section": "经济数据",
                        "item": f"{y['year']}年",
                        "field": _field_label(YearData, key),
                        "old": before.get(key),
                        "new": value,
                    }
                )

    def keyed(rows, key):
        return {r[key]: r for r in rows}

    for section, rows_key, key, model in (
        ("企业名册", "enterprises", "credit_code", Enterprise),
        ("规划目标", "plan_targets", "indicator", PlanTarget),
    ):
        before, after = keyed(old.get(rows_key, []), key), keyed(new.get(rows_key, []), key)
        for k in before.keys() - after.keys():
            changes.append({"section": section, "item": before[k].get("name", k), "field": "删除", "old": k, "new": ""})
        for k in after.keys() - before.keys():
            changes.append({"section": section, "item": after[k].get("name", k), "field": "新增", "old": "", "new": k})
        for k in after.keys() & before.keys():
            for f, v in after[k].items():
                if before[k].get(f) != v:
                    changes.append(
                        {
                            "section": section,
                            "item": after[k].get("name", k),
                            "field": _field_label(model, f),
                            "old": before[k].get(f),
                            "new": v,
                        }
                    )
    for section, rows_key, fmt in (
        ("创新与合作", "lists", lambda r: f"{ListKind(r['kind']).label}：{r['name']}"),
        ("申报材料", "attachments", lambda r: f"{r['requirement']}：{r['name']}（{r['sha256'][:8]}）"),
    ):
        before = {fmt(r) for r in old.get(rows_key, [])}
        after = {fmt(r) for r in new.get(rows_key, [])}
        for item in sorted(before - after):
            changes.append({"section": section, "item": item, "field": "删除", "old": item, "new": ""})
        for item in sorted(after - before):
            changes.append({"section": section, "item": item, "field": "新增", "old": "", "new": item})
    return changes


def application_state_counts(qs):
    return dict(qs.order_by().values_list("state").annotate(n=Count("id")))


def roster_duplicates_elsewhere(application):
    """Credit codes of this roster also listed in another open application of the same call."""
    codes = list(application.enterprises.values_list("credit_code", flat=True))
    if not codes:
        return {}
    rows = (
        Enterprise.objects.filter(credit_code__in=codes, application__call_id=application.call_id)
        .exclude(application_id=application.pk)
        .exclude(Q(application__state=S.WITHDRAWN))
        .values_list("credit_code", "application__cluster__name")
    )
    found = {}
    for code, cluster_name in rows:
        found.setdefault(code, []).append(cluster_name)
    return found
