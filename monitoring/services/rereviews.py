"""A re-review's way through the tiers (复核, Art. 11): the cluster submits inside its window; the county and the
city give their opinions (and experts, when the year's policy asks for them); the province passes it — the same
certification is renewed for three years, frozen, and a renewed certificate ("-F<n>") is issued — or fails it,
which ends the certification and proposes its revocation on ground (1) of Art. 14. Returns send it back to the
cluster; every step is a transition with its log row, opinions are frozen records."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.selectors import authority_users_for_division
from clusters.models import CertificationStatus
from clusters.services.certifications import certification_expire, certification_renew
from core import transitions
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.services import enqueue, notify
from monitoring import permissions
from monitoring.constants import REVIEW_REREVIEW_STATES, ReReviewState, ReReviewTier
from monitoring.models import FIGURE_FIELDS, ReReview, ReReviewOpinion, ReReviewVersion
from monitoring.policy import cn_date, policy_for, require_successor
from monitoring.selectors import rereviews as rr_selectors
from monitoring.selectors.reports import plain

from .files import file_rows
from .revocations import registry_changed, revocation_propose_for_rereview

S = ReReviewState
T = ReReviewTier
REQUIRED_FIGURES = [f for f in FIGURE_FIELDS if f != "co2_intensity"]
_QS = ReReview.objects.select_related("cluster__division__parent", "cluster__owner", "certification")


def _url(rereview) -> str:
    return reverse("monitoring:rereview_detail", args=[rereview.pk])


def _owners(rereview, exclude_id=None):
    users = rereview.cluster.owner.users.filter(is_active=True, role=Role.APPLICANT)
    return [u for u in users if u.pk != exclude_id]


def _tier_users(rereview, state):
    division = rereview.cluster.division
    if state == S.COUNTY_REVIEW:
        return list(authority_users_for_division(division, Role.COUNTY))
    if state == S.CITY_REVIEW:
        return list(authority_users_for_division(division, Role.CITY))
    return list(authority_users_for_division(division, Role.PROVINCE))


def _tell_next(locked, _row=None):
    if locked.state in REVIEW_REREVIEW_STATES:
        label = S(locked.state).label
        notify(
            recipients=_tier_users(locked, locked.state),
            title=f"待办复核（{label}）：{locked.cluster.name}",
            body=f"{locked.cluster.name}的复核申请已进入{label}环节，请及时办理。",
            url=_url(locked),
        )
        notify(
            recipients=_owners(locked, getattr(locked, "_actor_id", None)),
            title=f"复核进度：{locked.cluster.name} {label}",
            body=f"您的复核申请当前环节：{label}。",
            url=_url(locked),
        )


# ---------------------------------------------------------------- submission


def submission_blockers(rereview, results=None) -> list[str]:
    """What prevents submission (failed hard rules only need a written explanation)."""
    blockers = []
    if rereview.certification.status == CertificationStatus.REVOKED:
        blockers.append("该集群的认定已撤销，不能提交复核申请。")
    for row in rereview.years.all():
        missing = [str(row._meta.get_field(n).verbose_name) for n in REQUIRED_FIGURES if getattr(row, n) is None]
        if missing:
            blockers.append(f"请填写{row.year}年数据：{'、'.join(missing)}。")
    for name in ("champion_giant", "specialised_hightech", "cloud_share_pct", "platform_penetration_pct"):
        if getattr(rereview, name) is None:
            blockers.append(f"请填写“{rereview._meta.get_field(name).verbose_name}”。")
    for name in ("management_body", "service_system", "summary"):
        if not (getattr(rereview, name) or "").strip():
            blockers.append(f"请填写“{rereview._meta.get_field(name).verbose_name}”。")
    if any(v is None for v in rereview.declarations().values()):
        blockers.append("请逐项作出第七条承诺声明。")
    targets = list(rereview.targets.all())
    if not targets:
        blockers.append("请填写三年发展规划的目标（指标、基期值、期末目标）。")
    for t in targets:
        if t.actual is None:
            blockers.append(f"请填写规划目标“{t.indicator}”的期末实际值。")
    results = results if results is not None else rr_selectors.rereview_evaluate(rereview)
    failed = [r for r in results if r.kind == "hard" and r.outcome == "fail"]
    if failed and not rereview.explanation.strip():
        blockers.append(
            f"有 {len(failed)} 项认定条件未达标（{'、'.join(r.code for r in failed)}），请填写未达标情况说明。"
        )
    return blockers


def rereview_snapshot(rereview, results) -> dict:
    rows = rr_selectors.target_rows(rereview)
    return {
        "cluster": {
            "name": rereview.cluster.name,
            "division": rereview.cluster.division.full_name,
            "lead_industry": rereview.cluster.lead_industry,
        },
        "certificate": rereview.certification.number,
        "valid_to": rereview.valid_to.isoformat(),
        "year": rereview.year,
        "years": {str(y.year): {n: plain(getattr(y, n)) for n in FIGURE_FIELDS} for y in rereview.years.all()},
        "fields": {
            name: plain(getattr(rereview, name))
            for name in ("champion_giant", "specialised_hightech", "sharing_initiatives", "provincial_platforms")
            + ("standards", "pilot_projects", "international_activities", "cloud_share_pct", "platform_penetration_pct")
        },
        "management_body": rereview.management_body,
        "service_system": rereview.service_system,
        "declarations": rereview.declarations(),
        "summary": rereview.summary,
        "explanation": rereview.explanation,
        "eligibility": [r.to_dict() for r in results],
        "targets": [
            {
                "indicator": r.target.indicator,
                "unit": r.target.unit,
                "baseline": plain(r.target.baseline),
                "target": plain(r.target.target_3),
                "reported": r.target.reported,
                "final": plain(r.final),
                "status": r.status,
            }
            for r in rows
        ],
        "files": file_rows(getattr(rereview, "active_files", None) or rereview.files.filter(removed_at__isnull=True)),
        "submitted_at": timezone.localtime().isoformat(),
    }


def rereview_submit(*, rereview, actor) -> ReReview:
    """Submit (or resubmit after a return) to the first tier of the year's route. The first submission must fall
    inside the window; each submission is frozen whole as a version."""
    with transaction.atomic():
        list(ReReview.objects.select_for_update().filter(pk=rereview.pk).values_list("pk", flat=True))
        full = rr_selectors.rereview_with_sections(rereview.pk)
        if not permissions.can_submit_rereview(actor, full):
            if permissions.owns_rereview(actor, full):
                raise Conflict("复核申请当前不能提交（已提交或已办结）。请刷新页面。")
            raise NotAllowed("您无权提交该复核申请。")
        if not full.submission_count:
            refusal = rr_selectors.rereview_refusal(full.certification)
            if refusal:
                raise ServiceError(refusal)
        results = rr_selectors.rereview_evaluate(full)
        blockers = submission_blockers(full, results)
        if blockers:
            raise ServiceError("暂不能提交：" + "；".join(blockers), errors={"__all__": blockers})
        data = rereview_snapshot(full, results)
        route = policy_for(full.year).route()

        def before(locked):
            locked.eligibility = [r.to_dict() for r in results]
            locked._actor_id = actor.pk
            ReReviewVersion.objects.create(
                rereview=locked, number=locked.versions.count() + 1, created_by=actor, snapshot=data
            )

        return transitions.transition(
            full,
            "submit",
            actor=actor,
            permission=permissions.can_submit_rereview,
            expected_state=[S.DRAFT, S.RETURNED],
            comment="重新提交" if full.submission_count else "提交复核申请",
            args={"by": actor, "route": route},
            queryset=_QS,
            before=before,
            freeze=lambda locked: locked.versions.order_by("-number").first(),
            notify=_tell_next,
        )


# ---------------------------------------------------------------- the tiers


def rereview_forward(*, rereview, actor, opinion: str, agree=None, experts: str = "") -> ReReview:
    """The tier the re-review is at records its opinion (county, city: agree or not, with the text; experts: the
    panel and its conclusion, recorded by the province) and sends it on along the route."""
    opinion = (opinion or "").strip()
    errors = {}
    if not opinion:
        errors["opinion"] = ["请填写意见。"]
    state = rereview.state
    if state in (S.COUNTY_REVIEW, S.CITY_REVIEW) and agree is None:
        errors["agree"] = ["请选择是否同意通过复核。"]
    if state == S.EXPERT_REVIEW and not (experts or "").strip():
        errors["experts"] = ["请填写参加评审的专家。"]
    if errors:
        raise ServiceError("；".join(m for msgs in errors.values() for m in msgs), errors=errors)

    def before(locked):
        locked._opinion = ReReviewOpinion.objects.create(
            rereview=locked,
            tier={S.COUNTY_REVIEW: T.COUNTY, S.CITY_REVIEW: T.CITY}.get(locked.state, T.EXPERT),
            agree=agree,
            text=opinion,
            experts=(experts or "").strip()[:300],
            author=actor,
        )

    verdict = "" if agree is None else ("同意" if agree else "不同意")
    return transitions.transition(
        rereview,
        "forward",
        actor=actor,
        permission=permissions.can_forward_rereview,
        expected_state=state,
        comment="：".join(p for p in (verdict, opinion) if p),
        queryset=_QS,
        before=before,
        freeze=lambda locked: locked._opinion,
        notify=_tell_next,
        denied_message="您无权办理该复核申请，或复核申请不在您的办理环节。",
    )


def rereview_return(*, rereview, actor, reason: str) -> ReReview:
    """The tier the re-review is at returns it to the cluster with a reason (退回修改); the history stays."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写退回原因。", errors={"reason": ["请填写退回原因。"]})

    def tell(locked, _row):
        notify(
            recipients=_owners(locked),
            title=f"复核申请退回修改：{locked.cluster.name}",
            body=f"您的复核申请已被退回修改。退回原因：{reason}。请修改后重新提交。",
            url=_url(locked),
        )

    return transitions.transition(
        rereview,
        "return_to_cluster",
        actor=actor,
        permission=permissions.can_return_rereview,
        expected_state=REVIEW_REREVIEW_STATES,
        comment=reason,
        args={"reason": reason},
        queryset=_QS,
        notify=tell,
        denied_message="您无权退回该复核申请。",
    )


def rereview_decide(*, rereview, actor, passed: bool, reason: str, successor_regulation: str = "") -> ReReview:
    """The province's decision. Pass: the same certification is renewed for three years (through the transition
    service, frozen) and the renewed certificate is issued. Fail: the certification ends (expired at once when its
    validity has already run out) and ground (1) of Art. 14 is proposed. After the Measures' end (Art. 16) the
    successor regulation's reference is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写复核结论和理由。", errors={"reason": ["请填写复核结论和理由。"]})
    if passed is None:
        raise ServiceError("请选择复核结论。", errors={"passed": ["请选择复核结论。"]})
    successor = require_successor(successor_regulation)

    def before(locked):
        locked._opinion = ReReviewOpinion.objects.create(
            rereview=locked, tier=T.PROVINCE, agree=bool(passed), text=reason, author=actor
        )
        if passed:
            cert = certification_renew(
                certification=locked.certification,
                actor=actor,
                comment=f"复核通过，有效期延长三年（原有效期至{cn_date(locked.certification.valid_to)}）",
            )
            locked.renewal_number, locked.renewed_until = cert.renewals, cert.valid_to
            locked.certification = cert

    def after(locked, _row):
        if passed:
            return
        cert = locked.certification
        cert.refresh_from_db()
        if cert.status == CertificationStatus.EXPIRING and cert.valid_to < timezone.localdate():
            certification_expire(certification=cert, comment="有效期已届满，复核未通过")
        revocation_propose_for_rereview(rereview=locked)

    def tell(locked, _row):
        cluster = locked.cluster
        if passed:
            title = f"复核通过：{cluster.name}"
            body = (
                f"{cluster.name}的复核已通过，认定有效期延长至{cn_date(locked.renewed_until)}，"
                f"换发证书编号{locked.certification.number}-F{locked.renewal_number}（证书二维码和核验地址不变）。"
            )
        else:
            title = f"复核未通过：{cluster.name}"
            body = f"{cluster.name}的复核未通过。理由：{reason}。依据《管理办法》第十四条第（一）项，系统已提出撤销认定建议。"
        recipients = [
            *_owners(locked),
            *authority_users_for_division(cluster.division, Role.COUNTY),
            *authority_users_for_division(cluster.division, Role.CITY),
        ]
        notify(recipients=recipients, title=title, body=body, url=_url(locked))

    decided = transitions.transition(
        rereview,
        "approve" if passed else "reject",
        actor=actor,
        permission=permissions.can_decide_rereview,
        expected_state=S.PROVINCE_REVIEW,
        comment=f"{'复核通过' if passed else '复核未通过'}：{reason}",
        args={"by": actor, "reason": reason, "successor": successor},
        queryset=_QS,
        before=before,
        after=after,
        notify=tell,
        freeze=True,
        denied_message="只有省工业和信息化厅可以作出复核决定。",
    )
    if passed:
        transaction.on_commit(registry_changed)
        enqueue("monitoring.tasks.render_renewal_certificate", decided.pk)
    return decided


# ---------------------------------------------------------------- the renewed certificate


def certificate_context(rereview) -> dict:
    """What the renewed certificate says: the same number with "-F<n>", the new term, the QR code of the
    unchanged verification address."""
    from datetime import timedelta

    from core.services import site_url

    cert = rereview.certification
    division = rereview.cluster.division
    url = f"{site_url()}{reverse('public:verify', args=[cert.number])}"
    return {
        "cert": cert,
        "cluster": rereview.cluster,
        "number": f"{cert.number}-F{rereview.renewal_number}",
        "county": division.name,
        "city": division.parent.name if division.parent_id else "",
        "valid_from": cn_date(rereview.valid_to + timedelta(days=1)),
        "valid_to": cn_date(rereview.renewed_until),
        "issued_on": cn_date(timezone.localdate(rereview.decided_at)),
        "authority": "江苏省工业和信息化厅",
        "verify_url": url,
        "qr_src": _qr_data_uri(url),
    }


def _qr_data_uri(text: str) -> str:
    import base64
    import io

    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=2)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def render_renewal_certificate(rereview) -> bytes:
    from core.pdf import render_pdf

    return render_pdf("monitoring/pdf/certificate.html", certificate_context(rereview))


def rereview_store_certificate(rereview_id: int) -> bool:
    """Render and keep the renewed certificate once (idempotent). Returns whether it rendered."""
    from core.storage import save_generated

    rereview = _QS.filter(pk=rereview_id, state=S.PASSED).first()
    if rereview is None or rereview.certificate_pdf:
        return False
    save_generated(rereview.certificate_pdf, render_renewal_certificate(rereview))
    ReReview.objects.filter(pk=rereview.pk, certificate_pdf="").update(certificate_pdf=rereview.certificate_pdf.name)
    return True
