from celery import shared_task

from .models import Recommendation


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=3)
def render_recommendation_pdf(recommendation_id):
    """Render a recommendation document's PDF; safe to run twice."""
    from .services import recommendation_pdf_path

    rec = Recommendation.objects.select_related("call", "city").get(pk=recommendation_id)
    return str(recommendation_pdf_path(rec).name)


REMIND_DAYS_BEFORE = 3


def remind_city_deadlines(now=None):
    """Remind county and city authorities of applications still waiting as the city deadline nears.

    Reads every deadline from the calls in the database; idempotent: a reminder already sent to a user
    for a call is not sent again.
    """
    from datetime import timedelta

    from django.utils import timezone

    from accounts.constants import Role
    from accounts.selectors import authority_users_for_division
    from clusters.constants import ApplicationState as S
    from clusters.constants import CallStatus
    from clusters.models import Application, Call
    from core.models import Notification
    from core.services import notify

    now = now or timezone.now()
    sent = 0
    calls = Call.objects.filter(
        status=CallStatus.PUBLISHED, city_deadline__gt=now, city_deadline__lte=now + timedelta(days=REMIND_DAYS_BEFORE)
    )
    for call in calls:
        deadline = timezone.localtime(call.city_deadline)
        title = f"{call.year}年度设区市推荐将于 {deadline:%m月%d日 %H:%M} 截止"
        waiting = (
            Application.objects.filter(call=call, state__in=[S.COUNTY_REVIEW, S.CITY_REVIEW])
            .select_related("cluster__division__parent")
            .order_by("pk")
        )
        per_user = {}
        for app in waiting:
            role = Role.COUNTY if app.state == S.COUNTY_REVIEW else Role.CITY
            for user in authority_users_for_division(app.cluster.division, role):
                per_user.setdefault(user.pk, (user, []))[1].append(app)
        already = set(
            Notification.objects.filter(title=title, recipient_id__in=per_user).values_list("recipient_id", flat=True)
        )
        for user_id, (user, apps) in per_user.items():
            if user_id in already:
                continue
            names = "、".join(a.cluster.name for a in apps[:10])
            more = f"等 {len(apps)} 个" if len(apps) > 10 else f"共 {len(apps)} 个"
            notify(recipients=[user], title=title, body=f"仍待您办理的申报：{names}（{more}）。", url="/review/")
            sent += 1
    return sent


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_objection_receipt(objection_id):
    """E-mail the receipt number to an objection's filer (no personal data beyond what they gave)."""
    from django.core.mail import send_mail

    from .models import Objection

    objection = Objection.objects.select_related("notice", "application__cluster").get(pk=objection_id)
    if not objection.email:
        return
    send_mail(
        f"异议受理回执：{objection.receipt_number}",
        f"您对“{objection.application.cluster.name}”提出的异议已受理，受理编号 {objection.receipt_number}。\n"
        f"公示：{objection.notice.title}\n处理结果将通过您留下的联系方式反馈。",
        None,
        [objection.email],
    )


def close_due_notices():
    """Daily sweep: close notices whose 5-working-day period has ended."""
    from .notices import notices_close_due

    return notices_close_due()


@shared_task
def close_notices():
    """Beat job: close notices whose objection period ended (idempotent)."""
    return close_due_notices()
