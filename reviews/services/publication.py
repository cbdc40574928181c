"""Publication (公布名单, Art. 11): once a notice has closed and every objection is handled, the province publishes
the list; each remaining application becomes certified and gets its Certification and number. Certificate PDFs
are rendered here from what `reviews.documents` says a certificate shows."""

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

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


def publication_create(*, notice, actor, doc_number, publish_date, title="") -> Publication:
    """Publish the list: each remaining application becomes certified and gets its Certification."""
    require_province(actor, "公布认定名单")
    doc_number = (doc_number or "").strip()
    if not doc_number:
        raise ServiceError("请填写公布文号。")
    if publish_date is None:
        raise ServiceError("请填写公布日期。")
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.status == NoticeStatus.PUBLISHED and timezone.now() > locked.deadline:
            # The period is over but the hourly close job has not run yet: close it now.
            locked = notice_close(locked, actor=actor)
        if locked.status == NoticeStatus.PUBLISHED:
            raise ServiceError(f"公示期至 {locked.end_date:%Y年%m月%d日} 23:59:59，期满后才能公布名单。")
        if locked.status != NoticeStatus.CLOSED:
            raise Conflict("该公示已公布名单或尚未发布。")
        if publish_date < locked.end_date:
            raise ServiceError("公布日期不能早于公示截止日期。")
        pending = locked.objections.filter(status=ObjectionStatus.RECEIVED).count()
        if pending:
            raise ServiceError(f"还有 {pending} 件异议未处理，处理完毕后才能公布名单。")
        try:
            with transaction.atomic():
                publication = Publication.objects.create(
                    call=locked.call,
                    notice=locked,
                    title=(title or "").strip() or f"{locked.call.year}年度江苏省中小企业特色产业集群名单",
                    doc_number=doc_number,
                    publish_date=publish_date,
                    created_by=actor,
                )
        except IntegrityError:
            raise ServiceError(f"文号“{doc_number}”已被使用。") from None
        seq = Certification.objects.filter(call=locked.call).count()
        valid_from, valid_to = Certification.validity(publish_date)
        apps = list(
            locked.applications.filter(state=S.PUBLIC_NOTICE)
            .select_related("cluster")
            .order_by("cluster__division_id", "pk")
        )
        if not apps:
            raise ServiceError("公示名单中没有可认定的集群。")
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
            transitions.record_event(cert, "certify", actor=actor, to_state=cert.status, comment=doc_number)
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


def render_certificate_pdf(cert: Certification) -> bytes:
    """The certificate as an A4 landscape PDF with Chinese fonts embedded."""
    from core.pdf import render_pdf

    return render_pdf("reviews/pdf/certificate.html", certificate_context(cert))
