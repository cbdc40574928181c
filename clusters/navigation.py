"""What waits for each user on the home page (我的待办) from the clusters app: the applicant's drafts, returned
applications and open calls; each authority tier's queue, with the deadline its work must meet."""

from django.db.models import Count, Min, Q
from django.urls import reverse

from clusters.constants import ApplicationState
from clusters.selectors import application_list_for_user, open_calls

S = ApplicationState
WAITING_STATE = {"county": S.COUNTY_REVIEW, "city": S.CITY_REVIEW, "province": S.FORMAL_REVIEW}


def _applicant_todos(user) -> list[dict]:
    apps_url = reverse("clusters:application_list")
    draft = Q(state=S.DRAFT, submission_count=0)
    returned = Q(state=S.DRAFT, submission_count__gt=0)
    counts = application_list_for_user(user=user).aggregate(
        drafts=Count("id", filter=draft),
        drafts_due=Min("call__closes_at", filter=draft),
        returned=Count("id", filter=returned),
        # A returned application must pass the county and the city again before the city's deadline.
        returned_due=Min("call__city_deadline", filter=returned),
    )
    items = [
        {
            "label": "被退回待修改的申报",
            "count": counts["returned"],
            "url": f"{apps_url}?state=draft",
            "deadline": counts["returned_due"],
            "note": "修改后重新提交，须在设区市推荐截止前完成县、市两级审核",
        },
        {
            "label": "未提交的申报草稿",
            "count": counts["drafts"],
            "url": f"{apps_url}?state=draft",
            "deadline": counts["drafts_due"],
        },
    ]
    calls = list(open_calls())
    if calls:
        items.append(
            {
                "label": f"正在开放的申报批次：{'、'.join(c.title for c in calls)}",
                "count": len(calls),
                "url": reverse("clusters:cluster_list"),
                "deadline": min(c.closes_at for c in calls),
            }
        )
    return items


def todos_for_user(user):
    if not (user.is_authenticated and user.is_active):
        return []
    if user.is_applicant:
        return _applicant_todos(user)
    role = "province" if user.is_province else user.role
    state = WAITING_STATE.get(role)
    if not state:
        return []
    counts = application_list_for_user(user=user).aggregate(
        n=Count("id", filter=Q(state=state)), due=Min("call__city_deadline", filter=Q(state=state))
    )
    item = {
        "label": f"待{S(state).label}的申报",
        "count": counts["n"],
        "url": f"{reverse('clusters:application_list')}?state={state}",
    }
    if state != S.FORMAL_REVIEW:
        # The county and the city must both finish before the call's city deadline (设区市推荐截止).
        item["deadline"] = counts["due"]
        item["note"] = "县、市两级审核须在设区市推荐截止前完成"
    return [item]
