"""What waits for province staff on the home page (我的待办) from the reviews app: objections not yet handled."""

from django.urls import reverse

from .constants import ObjectionStatus
from .models import Objection


def todos_for_user(user):
    if not (user.is_authenticated and user.is_active and user.is_province):
        return []
    pending = Objection.objects.filter(status=ObjectionStatus.RECEIVED).count()
    if not pending:
        return []
    return [{"label": "待处理的异议", "count": pending, "url": reverse("public:notice_manage")}]
