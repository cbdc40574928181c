"""Applications filled in and driven through the review tiers by the services, as the users entitled to act."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clusters import services as cluster_services
from clusters.constants import ApplicationState, ListKind, PlatformLevel
from clusters.models import Attachment, Cluster, IndustryTag
from reviews import services as review_services
from reviews.constants import FORMAL_CHECKS, Decision, Tier

from .accounts import credit_code

S = ApplicationState

# Offset from the call year: total, SME, lead output (万元), SME R&D, invention patents, employees, CO2 intensity.
YEARS = {
    -4: ("500000", "400000", "380000", "10000", 1000, 100000, "0.50"),
    -3: ("560000", "450000", "430000", "11500", 1200, 100000, "0.48"),
    -2: ("620000", "500000", "480000", "13000", 1400, 100000, "0.46"),
    -1: ("700000", "560000", "560000", "15000", 1600, 100000, "0.44"),
}


def year_rows(call_year: int, scale: Decimal = Decimal("1")) -> dict:
    return {
        call_year + offset: {
            "total_output": Decimal(total) * scale,
            "sme_output": Decimal(sme) * scale,
            "lead_output": Decimal(lead) * scale,
            "sme_rnd": Decimal(rnd),
            "invention_patents": patents,
            "employees": employees,
            "co2_intensity": Decimal(co2),
        }
        for offset, (total, sme, lead, rnd, patents, employees, co2) in YEARS.items()
    }


def pdf_upload(name: str) -> SimpleUploadedFile:
    """A small, real one-page PDF standing for a scanned document."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": name})
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


def register_cluster(applicant, *, name, lead_industry, segment, tags=()) -> Cluster:
    """The applicant's cluster of this name, registered once."""
    existing = Cluster.objects.filter(owner=applicant.organisation, name=name).first()
    if existing is not None:
        return existing
    return cluster_services.cluster_register(
        actor=applicant,
        name=name,
        division=applicant.organisation.division,
        lead_industry=lead_industry,
        segment=segment,
        area_km2=Decimal("62.5"),
        management_body=f"{name.removesuffix('特色产业集群')}发展促进中心",
        tags=list(IndustryTag.objects.filter(name__in=tags)),
    )


def fill(application, actor, seq: int):
    """Every section filled in so that every rule passes (three 小巨人 enterprises carry rule 3)."""
    application.refresh_from_db()
    call = application.call
    county = application.cluster.division.code
    application = cluster_services.application_update(
        application=application,
        actor=actor,
        version=application.edit_version,
        data={
            "contact_name": "王经理",
            "contact_phone": "13800000000",
            "contact_email": "contact@demo.local",
            "summary": f"{application.cluster.name}以{application.cluster.lead_industry}为主导产业，产业链配套完善。",
            "cloud_share_pct": Decimal("38"),
            "platform_penetration_pct": Decimal("26"),
            "digital_notes": "推进智能化改造和数字化转型。",
            "energy_intensive": False,
            "water_intensive": False,
            "green_notes": "建立绿色低碳公共服务机制。",
            "management_body": application.cluster.management_body,
            "service_system": "建有中小企业公共服务平台和共享检测中心。",
            "promotion_mechanism": "定期召开集群发展联席会议。",
            "plan_summary": "三年内集群总产值突破100亿元。",
            "decl_prohibited_industry": True,
            "decl_major_accident": True,
            "decl_cyber_incident": True,
            "decl_tax_dishonesty": True,
        },
    )
    application = cluster_services.year_data_update(
        application=application,
        actor=actor,
        version=application.edit_version,
        rows=year_rows(call.year, Decimal(100 + seq) / 100),
    )
    for i in range(3):
        n = seq * 10 + i
        cluster_services.enterprise_add(
            application=application,
            actor=actor,
            name=f"{application.cluster.name.removesuffix('特色产业集群')}骨干企业{i + 1}",
            credit_code=credit_code(n, county, kind="91"),
            in_lead_industry=True,
            giant_cert=f"XJR-{call.year}-{n:05d}",
            employees=300 + 10 * i,
        )
    items = [(ListKind.PLATFORM, f"省级工程技术研究中心{i + 1}", PlatformLevel.PROVINCIAL) for i in range(5)]
    items += [(ListKind.STANDARD, f"行业标准{i + 1}", PlatformLevel.INDUSTRY) for i in range(3)]
    items += [
        (ListKind.SHARING, "共享工厂", None),
        (ListKind.PILOT, "智能制造示范工厂", PlatformLevel.PROVINCIAL),
        (ListKind.INTERNATIONAL, "中德产业合作论坛", None),
    ]
    for kind, name, level in items:
        extra = {"level": level} if level else {}
        cluster_services.list_item_add(application=application, actor=actor, kind=kind, name=name, **extra)
    cluster_services.plan_target_add(
        application=application,
        actor=actor,
        indicator="集群总产值",
        unit="万元",
        baseline=Decimal("700000"),
        target_1=Decimal("800000"),
        target_2=Decimal("900000"),
        target_3=Decimal("1000000"),
    )
    for requirement in call.requirements.filter(required=True):
        cluster_services.attachment_upload(
            application=application,
            actor=actor,
            uploaded_file=pdf_upload(f"{requirement.name}.pdf"),
            requirement=requirement,
        )
    cluster_services.attachment_upload(
        application=application,
        actor=actor,
        uploaded_file=pdf_upload("三年发展规划.pdf"),
        purpose=Attachment.PURPOSE_PLAN,
    )
    application.refresh_from_db()
    return application


def start(applicant, cluster, call, *, seq: int, filled=True):
    application = cluster.applications.filter(call=call).exclude(state=S.WITHDRAWN).first()
    if application is None:
        application = cluster_services.application_create(actor=applicant, cluster=cluster, call=call)
        if filled:
            application = fill(application, applicant, seq)
    return application


def submit(application, applicant):
    return cluster_services.application_submit(application=application, actor=applicant, comment="提交申报")


def county_pass(application, county):
    return review_services.review_decide(
        application=application,
        actor=county,
        tier=Tier.COUNTY,
        decision=Decision.PASS,
        agree_all=True,
        comment="同意推荐",
    )


def tier_return(application, user, tier, reason: str):
    code = "2a"
    return review_services.review_decide(
        application=application,
        actor=user,
        tier=tier,
        decision=Decision.RETURN,
        comment=reason,
        conditions={code: {"agree": False, "comment": reason}},
    )


def county_reject(application, county, reason: str):
    return review_services.review_decide(
        application=application, actor=county, tier=Tier.COUNTY, decision=Decision.REJECT, comment=reason
    )


def recommend(call, city_user, applications, doc_number: str):
    """The city's recommendation document for these applications (they move to formal review)."""
    return review_services.recommendation_submit(
        call=call,
        actor=city_user,
        doc_number=doc_number,
        doc_date=timezone.localdate(),
        application_ids=[a.pk for a in applications],
        body="经审核，以下集群符合申报条件，现予推荐。",
    )


def formal_pass(application, province):
    return review_services.review_decide(
        application=application,
        actor=province,
        tier=Tier.FORMAL,
        decision=Decision.PASS,
        agree_all=True,
        checklist={key: True for key, _label in FORMAL_CHECKS},
        comment="材料齐全，进入专家评审",
    )


def assign(application, expert, province):
    from reviews.constants import AssignmentStatus

    existing = application.assignments.filter(expert=expert, status=AssignmentStatus.ACTIVE).first()
    return existing or review_services.expert_assign(application=application, expert=expert, actor=province)


def score(assignment, total: int, *, submit_sheet=True):
    """The expert declares no conflict and scores every criterion at `total` % (submitted unless told not to)."""
    user = assignment.expert.user
    review_services.declare_no_conflict(assignment=assignment, actor=user)
    rubric = list(assignment.application.call.rubric.all())
    scores = {str(c.pk): str((c.max_points * Decimal(total) / 100).quantize(Decimal("0.1"))) for c in rubric}
    assignment.refresh_from_db()
    review_services.scoresheet_save(
        sheet=assignment.sheet,
        actor=user,
        scores=scores,
        recommendation="recommend" if total >= 75 else "conditional",
        overall_comment="集群主导产业突出，创新能力较强。",
    )
    if submit_sheet:
        review_services.scoresheet_submit(sheet=assignment.sheet, actor=user)


def run_joint_review(call, province, approve, *, reason="综合专家评分和实地核查情况，同意列入拟认定名单。"):
    meeting = review_services.meeting_create(
        call=call, actor=province, meeting_date=timezone.localdate(), attendees="厅分管领导、中小企业处、规划处、法规处"
    )
    for application in approve:
        review_services.meeting_decide(
            meeting=meeting, application=application, actor=province, decision="approve", reason=reason
        )
    return review_services.meeting_close(meeting=meeting, actor=province)


def publish_notice(call, province):
    notice = review_services.notice_create(
        call=call,
        actor=province,
        start_date=timezone.localdate(),
        contact_department="省工业和信息化厅中小企业处",
        contact_phone="025-83000000",
        contact_email="zxqc@demo.local",
    )
    return review_services.notice_publish(notice=notice, actor=province)


def object_to(notice, application, content: str):
    return review_services.objection_file(
        notice=notice,
        application_id=application.pk,
        name="某企业职工",
        phone="13900000000",
        content=content,
    )
