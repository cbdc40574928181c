"""Revocation (撤销认定, Art. 14): cases proposed by the portal (the annual sweep's ground (3), the lifecycle sweep's
and a failed re-review's ground (1)) or opened by province staff on any of the five grounds, with evidence; the
province revokes — a decision document with its 文号, date and reasons, rendered as PDF and published on the public
site — or dismisses with a reason. The certified cluster is told at each step and sees its own cases."""

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.selectors import authority_users_for_division
from clusters.models import Certification, CertificationStatus
from clusters.services.certifications import certification_revoke
from core import transitions
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.services import enqueue, notify
from monitoring import permissions
from monitoring.constants import RevocationGround, RevocationSource, RevocationStatus
from monitoring.models import LifecycleFile, RevocationCase
from monitoring.policy import cn_date, require_successor
from reviews.services.publication import REGISTRY_VERSION_KEY

from .files import file_store
from .notifying import Message, notify_many

R = RevocationStatus
MIN_EVIDENCE = 10
_QS = RevocationCase.objects.select_related("certification__cluster__division__parent", "certification__cluster__owner")


def _url(case) -> str:
    return reverse("monitoring:revocation_detail", args=[case.pk])


def _owner_users(cluster):
    return list(cluster.owner.users.filter(is_active=True, role=Role.APPLICANT))


def _local_authorities(cluster):
    return [
        *authority_users_for_division(cluster.division, Role.COUNTY),
        *authority_users_for_division(cluster.division, Role.CITY),
    ]


def _province():
    from accounts.models import User

    return list(User.objects.filter(role=Role.PROVINCE, is_active=True))


def registry_changed() -> None:
    """A certification's public row changed (revoked, renewed): the public registry's cached pages are stale."""
    cache.delete_many([REGISTRY_VERSION_KEY])


# ---------------------------------------------------------------- proposals by the portal


def sweep_propose(
    *, ground: str, year: int, evidence_by_certification: dict[int, str], source: str = RevocationSource.SWEEP
) -> list[RevocationCase]:
    """Record a system proposal on `ground` for each certification (id -> evidence text), once per certification,
    ground and year whatever the number of runs: those already recorded, those with an open case on the same
    ground and revoked ones are skipped, and the partial unique constraints refuse a duplicate from a concurrent
    run (its transaction rolls back). Each cluster is told of its case. Returns the new cases."""
    RevocationGround(ground)  # a ValueError for an unknown ground
    if not evidence_by_certification:
        return []
    ids = list(evidence_by_certification)
    with transaction.atomic():
        done = set(
            RevocationCase.objects.filter(
                Q(source=RevocationSource.SWEEP, year=year) | Q(status=R.PROPOSED),
                ground=ground,
                certification_id__in=ids,
            ).values_list("certification_id", flat=True)
        )
        # With their clusters: each log row names its case (str(case) reads both).
        certs = Certification.objects.select_related("cluster").in_bulk(ids)
        done |= {pk for pk, cert in certs.items() if cert.status == CertificationStatus.REVOKED}
        new = [
            RevocationCase(
                certification=certs[cert_id], ground=ground, evidence=text, proposed_by=None, source=source, year=year
            )
            for cert_id, text in sorted(evidence_by_certification.items())
            if cert_id not in done and cert_id in certs
        ]
        created = RevocationCase.objects.bulk_create(new)
        if created and created[0].pk is None:  # backends that do not return ids from bulk inserts
            created = list(
                RevocationCase.objects.filter(
                    source=source, ground=ground, year=year, certification_id__in=[c.certification_id for c in new]
                ).select_related("certification__cluster")
            )
        # One log row per case (the decision continues each case's own history), written in one insert under one
        # chain lock, so a ground-(3) day costs the same queries for one case or a thousand.
        transitions.record_events(
            created, "propose", actor=None, to_state=R.PROPOSED, comments=[c.evidence[:500] for c in created]
        )
        _tell_clusters(created)
    return created


def _tell_clusters(cases) -> None:
    """Each cluster of new system proposals is told of its own case (in bulk: constant queries)."""
    if not cases:
        return
    from accounts.models import User

    rows = {
        c["pk"]: c
        for c in RevocationCase.objects.filter(pk__in=[x.pk for x in cases]).values(
            "pk", "ground", "certification__number", "certification__cluster__name", "certification__cluster__owner_id"
        )
    }
    owners = {r["certification__cluster__owner_id"] for r in rows.values()}
    users = list(User.objects.filter(is_active=True, role=Role.APPLICANT, organisation_id__in=owners))
    notify_many(
        [
            Message(
                [u for u in users if u.organisation_id == r["certification__cluster__owner_id"]],
                f"撤销认定建议：{r['certification__cluster__name']}",
                (
                    f"依据《管理办法》{RevocationGround(r['ground']).label}，系统已对{r['certification__cluster__name']}"
                    f"的认定（证书编号{r['certification__number']}）记录撤销认定建议，由省工业和信息化厅研究决定。"
                    "您可在平台查看建议的事实和依据。"
                ),
                reverse("monitoring:revocation_detail", args=[pk]),
            )
            for pk, r in sorted(rows.items())
        ]
    )


def revocation_propose_for_rereview(*, rereview) -> RevocationCase | None:
    """A failed re-review is ground (1): the portal proposes the revocation (the proposer is the system)."""
    cert = rereview.certification
    evidence = (
        f"{rereview.cluster.name}的认定（证书编号{cert.number}）复核未通过（{cn_date(timezone.localdate())}省工业和信息化厅决定"
        f"{'：' + rereview.decision_reason if rereview.decision_reason else ''}）。依据《江苏省促进中小企业特色产业集群发展管理办法》"
        "第十四条第（一）项，系统自动记录撤销认定建议，待省工业和信息化厅研究决定。"
    )
    if RevocationCase.objects.filter(
        certification=cert, ground=RevocationGround.EXPIRY_REVIEW, status=R.PROPOSED
    ).exists():
        return None
    case = RevocationCase.objects.create(
        certification=cert,
        ground=RevocationGround.EXPIRY_REVIEW,
        evidence=evidence,
        proposed_by=None,
        source=RevocationSource.REREVIEW,
        year=rereview.valid_to.year,
        rereview=rereview,
    )
    transitions.record_event(case, "propose", actor=None, to_state=R.PROPOSED, comment=evidence[:500])
    _tell_clusters([case])
    notify(
        recipients=_province(),
        title=f"新增撤销认定建议：{rereview.cluster.name}（复核未通过）",
        body=evidence,
        url=_url(case),
    )
    return case


# ---------------------------------------------------------------- opened by province staff


def revocation_open(
    *, actor, certification, ground: str, evidence: str, files=(), change_report=None
) -> RevocationCase:
    """Province staff open a case by hand on one of the five grounds, with the facts (at least 10 characters) and
    any private evidence files; the cluster is told."""
    if not permissions.can_open_revocation(actor):
        raise NotAllowed("只有省工业和信息化厅可以提出撤销认定。")
    errors = {}
    if ground not in RevocationGround.values:
        errors["ground"] = ["请选择《管理办法》第十四条规定的撤销情形。"]
    evidence = (evidence or "").strip()
    if len(evidence) < MIN_EVIDENCE:
        errors["evidence"] = [f"请填写撤销的事实和依据（至少{MIN_EVIDENCE}个字）。"]
    if certification is None:
        errors["certification"] = ["请选择认定集群。"]
    if errors:
        raise ServiceError("；".join(m for msgs in errors.values() for m in msgs), errors=errors)
    try:
        with transaction.atomic():
            cert = (
                Certification.objects.select_for_update(of=("self",))
                .select_related("cluster__division")
                .get(pk=certification.pk)
            )
            if cert.status == CertificationStatus.REVOKED:
                raise ServiceError("该集群的认定已撤销，不能再提出撤销。", errors={"certification": ["认定已撤销。"]})
            case = RevocationCase.objects.create(
                certification=cert,
                ground=ground,
                evidence=evidence,
                proposed_by=actor,
                source=RevocationSource.MANUAL,
                year=timezone.localdate().year,
                change_report=change_report,
            )
            for uploaded in files or ():
                file_store(parent_field="case", parent=case, actor=actor, uploaded_file=uploaded)
            transitions.record_event(case, "propose", actor=actor, to_state=R.PROPOSED, comment=evidence[:500])
            notify(
                recipients=_owner_users(cert.cluster),
                title=f"撤销认定建议：{cert.cluster.name}",
                body=(
                    f"省工业和信息化厅依据《管理办法》{RevocationGround(ground).label}对{cert.cluster.name}的认定"
                    f"（证书编号{cert.number}）提出撤销认定建议。您可在平台查看事实和依据。"
                ),
                url=_url(case),
            )
    except IntegrityError:
        raise ServiceError(
            "该认定已有同一情形的撤销建议在研究中，请在原建议中补充证明材料。",
            errors={"ground": ["已有同一情形的撤销建议。"]},
        ) from None
    return case


def revocation_add_evidence(*, case, actor, uploaded_file, description: str = "") -> LifecycleFile:
    """Province staff add an evidence file to a case still under consideration."""
    with transaction.atomic():
        locked = RevocationCase.objects.select_for_update().get(pk=case.pk)
        if not permissions.can_add_evidence_revocation(actor, locked):
            if permissions.is_province(actor):
                raise Conflict("撤销建议已作出决定，不能再补充证明材料。")
            raise NotAllowed("您无权补充证明材料。")
        return file_store(
            parent_field="case", parent=locked, actor=actor, uploaded_file=uploaded_file, description=description
        )


# ---------------------------------------------------------------- the province's decision


def _tell_decision(case, title: str, body: str) -> None:
    cluster = case.certification.cluster
    notify(recipients=[*_owner_users(cluster), *_local_authorities(cluster)], title=title, body=body, url=_url(case))


def revocation_revoke(
    *, case, actor, number: str, date, reasons: str, successor_regulation: str = ""
) -> RevocationCase:
    """Revoke the certification (撤销认定决定): the decision's 文号, date and reasons; after the Measures' end
    (Art. 16) the successor regulation's reference. The certification is revoked through the transition service in
    the same transaction, other open cases on it lapse, and the decision PDF is rendered after commit."""
    number, reasons = (number or "").strip(), (reasons or "").strip()
    errors = {}
    if not number:
        errors["decision_number"] = ["请填写撤销决定文号。"]
    if date is None:
        errors["decision_date"] = ["请填写决定日期。"]
    elif date > timezone.localdate():
        errors["decision_date"] = ["决定日期不能晚于今天。"]
    if not reasons:
        errors["decision_reasons"] = ["请填写撤销理由。"]
    if errors:
        raise ServiceError("；".join(m for msgs in errors.values() for m in msgs), errors=errors)
    successor = require_successor(successor_regulation)
    if RevocationCase.objects.filter(decision_number=number).exclude(pk=case.pk).exists():
        raise ServiceError(f"文号“{number}”已被使用。", errors={"decision_number": ["该文号已被使用。"]})

    def after(locked, _row):
        certification_revoke(
            certification=locked.certification,
            actor=actor,
            reason=f"{locked.get_ground_display()}：{reasons}（{number}）",
            comment=f"撤销认定决定 {number}",
        )
        for other in RevocationCase.objects.filter(certification_id=locked.certification_id, status=R.PROPOSED).exclude(
            pk=locked.pk
        ):
            transitions.transition(
                other,
                "lapse",
                actor=actor,
                permission=permissions.can_decide_revocation,
                expected_state=R.PROPOSED,
                comment=f"认定已依{number}撤销，本建议终止",
            )

    def tell(locked, _row):
        _tell_decision(
            locked,
            f"撤销认定决定：{locked.certification.cluster.name}",
            (
                f"省工业和信息化厅已依据《管理办法》{locked.get_ground_display()}，以{number}（{cn_date(date)}）"
                f"撤销{locked.certification.cluster.name}的特色产业集群认定（证书编号{locked.certification.number}）。"
                f"理由：{reasons}"
            ),
        )

    try:
        decided = transitions.transition(
            case,
            "revoke",
            actor=actor,
            permission=permissions.can_decide_revocation,
            expected_state=R.PROPOSED,
            comment=f"{number}：{reasons}",
            args={"by": actor, "number": number, "date": date, "reasons": reasons, "successor": successor},
            queryset=_QS,
            after=after,
            notify=tell,
            freeze=True,
            denied_message="只有省工业和信息化厅可以作出撤销认定决定。",
        )
    except IntegrityError:
        raise ServiceError(f"文号“{number}”已被使用。", errors={"decision_number": ["该文号已被使用。"]}) from None
    transaction.on_commit(registry_changed)
    enqueue("monitoring.tasks.render_revocation_decision", decided.pk)
    return decided


def revocation_dismiss(*, case, actor, reason: str, successor_regulation: str = "") -> RevocationCase:
    """Dismiss the case (不予撤销) with a reason; the certification is unchanged."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写不予撤销的理由。", errors={"dismiss_reason": ["请填写不予撤销的理由。"]})
    successor = require_successor(successor_regulation)

    def tell(locked, _row):
        _tell_decision(
            locked,
            f"撤销认定建议不予采纳：{locked.certification.cluster.name}",
            f"省工业和信息化厅决定对{locked.certification.cluster.name}的撤销认定建议不予撤销。理由：{reason}",
        )

    return transitions.transition(
        case,
        "dismiss",
        actor=actor,
        permission=permissions.can_decide_revocation,
        expected_state=R.PROPOSED,
        comment=reason,
        args={"by": actor, "reason": reason, "successor": successor},
        queryset=_QS,
        notify=tell,
        freeze=True,
        denied_message="只有省工业和信息化厅可以作出撤销认定决定。",
    )


def revocation_publish(*, case, actor) -> RevocationCase:
    """Publish the decision on the public site (公布撤销决定): listed on the public revocations page with its PDF."""

    def tell(locked, _row):
        notify(
            recipients=_owner_users(locked.certification.cluster),
            title=f"撤销认定决定已公布：{locked.certification.cluster.name}",
            body=f"撤销认定决定（{locked.decision_number}）已在平台公开栏目公布。",
            url=_url(locked),
        )

    published = transitions.transition(
        case,
        "publish",
        actor=actor,
        permission=permissions.can_publish_revocation,
        expected_state=R.REVOKED,
        comment=f"公布撤销决定 {case.decision_number}",
        queryset=_QS,
        notify=tell,
        denied_message="只有省工业和信息化厅可以公布撤销决定。",
    )
    transaction.on_commit(registry_changed)
    return published


def revocation_render_decision(case_id: int) -> bool:
    """Render and store the decision PDF once (idempotent: an existing PDF is kept). Returns whether it rendered."""
    from core.pdf import render_pdf
    from core.storage import save_generated

    case = _QS.filter(pk=case_id, status__in=[R.REVOKED, R.PUBLISHED]).first()
    if case is None or case.decision_pdf:
        return False
    data = render_pdf("monitoring/pdf/revocation_decision.html", decision_context(case))
    save_generated(case.decision_pdf, data)
    RevocationCase.objects.filter(pk=case.pk, decision_pdf="").update(decision_pdf=case.decision_pdf.name)
    return True


def decision_context(case) -> dict:
    cert = case.certification
    division = cert.cluster.division
    return {
        "case": case,
        "cert": cert,
        "cluster": cert.cluster,
        "place": division.full_name,
        "date": cn_date(case.decision_date or timezone.localdate()),
        "valid_from": cn_date(cert.valid_from),
        "valid_to": cn_date(cert.valid_to),
        "authority": "江苏省工业和信息化厅",
        "printed_at": timezone.localtime(),
    }
