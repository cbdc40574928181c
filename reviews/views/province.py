"""The province's decision index (Art. 10): one call's applications by state and the progress of each step, with
links to the experts, assignment, ranking, spot-check and joint review pages."""

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render

from accounts.decorators import province_required
from clusters import selectors as cluster_selectors
from clusters.constants import ApplicationState

from .. import selectors
from ..constants import AssignmentStatus, MeetingStatus, SheetStatus
from ..models import JointReview, ScoreSheet, SpotCheckDraw
from .common import published_calls

S = ApplicationState


@province_required
def province_decision(request):
    calls = list(published_calls())
    call = None
    wanted = request.GET.get("call")
    if wanted:
        call = next((c for c in calls if str(c.pk) == wanted), None)
        if call is None:
            raise Http404
    elif calls:
        call = calls[0]
    context = {"calls": calls, "call": call}
    if call is not None:
        apps = cluster_selectors.application_list_for_user(user=request.user).filter(call=call)
        counts = cluster_selectors.application_state_counts(apps)
        sheets = ScoreSheet.objects.filter(
            assignment__application__call=call, assignment__status=AssignmentStatus.ACTIVE
        ).aggregate(total=Count("id"), submitted=Count("id", filter=Q(status=SheetStatus.SUBMITTED)))
        context.update(
            {
                "state_counts": [
                    (value, label, counts.get(value, 0)) for value, label in S.choices if value != S.DRAFT
                ],
                "counts": counts,
                "sheets": sheets,
                "experts_active": selectors.expert_pool().filter(active=True).count(),
                "draws": SpotCheckDraw.objects.filter(call=call).count(),
                "meetings": JointReview.objects.filter(call=call).aggregate(
                    total=Count("id"), open=Count("id", filter=Q(status=MeetingStatus.OPEN))
                ),
            }
        )
    return render(request, "reviews/province/index.html", context)
