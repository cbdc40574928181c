"""What waits for each user on the home page (我的待办)."""

from django.db.models import Count, Q
from django.urls import reverse

from clusters.constants import ApplicationState
from clusters.selectors import application_list_for_user, open_calls

S = ApplicationState
WAITING_STATE = {"county": S.COUNTY_REVIEW, "city": S.CITY_REVIEW, "province": S.FORMAL_REVIEW}


def todos_for_user(user):
    items = []
    apps_url = reverse("clusters:application_list")
    if user.is_applicant:
        counts = application_list_for_user(user=user).aggregate(
            drafts=Count("id", filter=Q(state=S.DRAFT, submission_count=0)),
            returned=Count("id", filter=Q(state=S.DRAFT, submission_count__gt=0)),
        )
        if counts["returned"]:
            items.append({"label": "被退回待修改的申报", "count": counts["returned"], "url": f"{apps_url}?state=draft"})
        if counts["drafts"]:
            items.append({"label": "未提交的申报草稿", "count": counts["drafts"], "url": f"{apps_url}?state=draft"})
        calls = list(open_calls())
        if calls:
            items.append(
                {
                    "label": f"正在开放的申报批次：{'、'.join(c.title for c in calls)}",
                    "count": len(calls),
                    "url": reverse("clusters:cluster_list"),
                }
            )
        return items
    role = "province" if user.is_province else user.role
    state = WAITING_STATE.get(role)
    if state:
        n = application_list_for_user(user=user).filter(state=state).count()
        items.append({"label": f"待{S(state).label}的申报", "count": n, "url": f"{apps_url}?state={state}"})
    return items
