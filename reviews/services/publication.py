"""Publication (公布名单, Art. 11): once a notice has closed and every objection is handled, the province publishes
the list; each remaining application becomes certified and gets its Certification and number. Certificate PDFs
are rendered here from what `reviews.documents` says a certificate shows."""

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from clusters import selectors as cluster_selectors
from clusters import services as cluster_services
from clusters.constants import ApplicationState
from clusters.models import Certification
from core import transitions
from core.exceptions import Conflict, ServiceError

from ..constants import NoticeStatus, ObjectionStatus
from ..documents import certificate_context
from ..models import Notice, Publication
from ..permissions import can_manage_decision, require_province
from .notices import notice_close

S = ApplicationState
REGISTRY_VERSION_KEY = "public:registry-version"


def certificate_number(call, seq: int) -> str:
    return f"JS-TSJQ-{call.year}-{seq:03d}"


def default_publication_title(call) -> str:
    return f"{call.year}年度江苏省中小企业特色产业集群名单"


def _check_values(doc_number, publish_date) -> str:
    doc_number = (doc_number or "").strip()
    errors = {}
    if not doc_number:
        errors["doc_number"] = ["请填写公布文号。"]
    if publish_date is None:
        errors["publish_date"] = ["请填写公布日期。"]
    if errors:
        raise ServiceError("；".join(m for msgs in errors.values() for m in msgs), errors=errors)
    return doc_number


def _check_notice(notice, *, doc_number, publish_date, closing_allowed: bool) -> list:
    """Every condition of publishing this notice's list, named at once where they are independent; returns the
    applications that would be certified."""
    period_over = notice.status == NoticeStatus.PUBLISHED and timezone.now() > notice.deadline
    if notice.status == NoticeStatus.PUBLISHED and not (period_over and closing_allowed):
        raise ServiceError(f"公示期至 {notice.end_date:%Y年%m月%d日} 23:59:59，期满后才能公布名单。")
    if notice.status not in (NoticeStatus.CLOSED, NoticeStatus.PUBLISHED):
        raise Conflict("该公示已公布名单或尚未发布。")
    errors = {}
    if publish_date < notice.end_date:
        errors["publish_date"] = ["公布日期不能早于公示截止日期。"]
    if Publication.objects.filter(doc_number=doc_number).exists():
        errors["doc_number"] = [f"文号“{doc_number}”已被使用。"]
    pending = notice.objections.filter(status=ObjectionStatus.RECEIVED).count()
    if pending:
        errors["__all__"] = [f"还有 {pending} 件异议未处理，处理完毕后才能公布名单。"]
    if errors:
        raise ServiceError("；".join(m for msgs in errors.values() for m in msgs), errors=errors)
    apps = list(
        notice.applications.filter(state=S.PUBLIC_NOTICE)
        .select_related("cluster__division__parent")
        .order_by("cluster__division_id", "pk")
    )
    if not apps:
        raise ServiceError("公示名单中没有可认定的集群。")
    _refuse_second_certification(apps)
    return apps


def publication_check(*, notice, actor, doc_number, publish_date) -> list:
    """Everything `publication_create` checks, without writing anything: the applications that would be certified.
    The form shows the list's preview (and its confirm button) only once this passes."""
    require_province(actor, "公布认定名单")
    doc_number = _check_values(doc_number, publish_date)
    fresh = Notice.objects.select_related("call").get(pk=notice.pk)
    return _check_notice(fresh, doc_number=doc_number, publish_date=publish_date, closing_allowed=True)


def publication_create(*, notice, actor, doc_number, publish_date, title="") -> Publication:
    """Publish the list: each remaining application becomes certified and gets its Certification."""
    require_province(actor, "公布认定名单")
    doc_number = _check_values(doc_number, publish_date)
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.status == NoticeStatus.PUBLISHED and timezone.now() > locked.deadline:
            # The period is over but the hourly close job has not run yet: close it now.
            locked = notice_close(locked, actor=actor)
        apps = _check_notice(locked, doc_number=doc_number, publish_date=publish_date, closing_allowed=False)
        try:
            with transaction.atomic():
                publication = Publication.objects.create(
                    call=locked.call,
                    notice=locked,
                    title=(title or "").strip() or default_publication_title(locked.call),
                    doc_number=doc_number,
                    publish_date=publish_date,
                    created_by=actor,
                )
        except IntegrityError:
            raise ServiceError(f"文号“{doc_number}”已被使用。") from None
        seq = Certification.objects.filter(call=locked.call).count()
        valid_from, valid_to = Certification.validity(publish_date)
        for app in apps:
            seq += 1
            cluster_services.application_transition(
                application=app,
                actor=actor,
                verb="manage_province",
                method="certify",
                comment=f"公布认定：{doc_number}",
                expected_state=S.PUBLIC_NOTICE,
            )
            cert = Certification.objects.create(
                number=certificate_number(locked.call, seq),
                cluster=app.cluster,
                call=locked.call,
                application=app,
                valid_from=valid_from,
                valid_to=valid_to,
                doc_number=doc_number,
                year=locked.call.year,
            )
            transitions.record_event(
                cert, "certify", actor=actor, to_state=cert.status, comment=doc_number, freeze=True
            )
        transitions.record_event(
            publication, "publish", actor=actor, to_state="published", comment=doc_number, freeze=True
        )
        transitions.transition(
            locked,
            "conclude",
            actor=actor,
            permission=can_manage_decision,
            expected_state=NoticeStatus.CLOSED,
            comment=doc_number,
        )
    cache.delete_many([REGISTRY_VERSION_KEY])
    return publication


def _refuse_second_certification(apps) -> None:
    """The same cluster (the same management body, by credit code or name, in the same county) is never certified
    twice at once (Art. 11: it renews by re-review): not beside a certification in force, not twice in one list."""
    problems, seen = [], {}
    for app in apps:
        body = (app.management_body or app.cluster.management_body or "").strip()
        code = (app.management_body_credit_code or "").strip().upper()
        existing = list(
            cluster_selectors.valid_certifications(
                cluster=app.cluster, division=app.cluster.division, management_body=body, credit_code=code
            )
        )
        if existing:
            cert = existing[0]
            problems.append(f"{app.cluster.name}（已有有效认定 {cert.number}，有效期至 {cert.valid_to:%Y年%m月%d日}）")
        key = (app.cluster.division_id, code)
        if code and key in seen:
            problems.append(f"{app.cluster.name}与{seen[key]}的运营管理机构（{code}）和所在地相同")
        seen.setdefault(key, app.cluster.name)
    if problems:
        raise ServiceError(
            "同一集群在有效期内不能重复认定（期满应申请复核，《管理办法》第十一条），请先处理："
            + "；".join(problems)
            + "。"
        )


def render_certificate_pdf(cert: Certification) -> bytes:
    """The certificate as an A4 landscape PDF with Chinese fonts embedded."""
    from core.pdf import render_pdf

    return render_pdf("reviews/pdf/certificate.html", certificate_context(cert))
