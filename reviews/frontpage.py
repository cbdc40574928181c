"""The reviews app's sections of the public front page: notices open for objection, the latest published list
and the certified clusters by city. Each is a fixed number of queries however many rows there are."""

from django.db.models import Count, Q
from django.utils import timezone

from clusters.models import Certification, CertificationStatus
from core import frontpage

from .constants import NoticeStatus
from .models import Notice, Publication


def notices_section():
    now = timezone.now()
    published = Notice.objects.filter(status=NoticeStatus.PUBLISHED).select_related("call").order_by("-start_date")
    open_now = [n for n in published[:20] if n.accepting_objections(now)]
    return {"template": "reviews/front/_notices.html", "notices": open_now}


def registry_section():
    latest = Publication.objects.select_related("call").order_by("-publish_date", "-pk").first()
    today = timezone.localdate()
    in_force = Q(valid_from__lte=today, valid_to__gte=today) & ~Q(
        status__in=[CertificationStatus.REVOKED, CertificationStatus.EXPIRED]
    )
    by_city = list(
        Certification.objects.filter(in_force)
        .values("cluster__division__parent_id", "cluster__division__parent__name")
        .annotate(n=Count("pk"))
        .order_by("cluster__division__parent_id")
    )
    counts = [
        {"code": r["cluster__division__parent_id"], "city": r["cluster__division__parent__name"], "n": r["n"]}
        for r in by_city
    ]
    return {
        "template": "reviews/front/_registry.html",
        "latest": latest,
        "latest_count": (
            Certification.objects.filter(application__in=latest.notice.applications.all()).count() if latest else 0
        ),
        "by_city": counts,
        "total": sum(r["n"] for r in counts),
    }


frontpage.register(20, notices_section)
frontpage.register(30, registry_section)
