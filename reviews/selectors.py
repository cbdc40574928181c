from accounts.constants import Role
from clusters.selectors import application_list_for_user

from .models import Recommendation, ReviewOpinion


def opinions_for(application):
    return ReviewOpinion.objects.filter(application=application).select_related("reviewer").order_by("created_at", "id")


def recommendation_list_for_user(*, user):
    """Province staff see every city's documents; a city sees its own."""
    qs = Recommendation.objects.select_related("call", "city", "created_by").prefetch_related("applications")
    if not user.is_authenticated:
        return qs.none()
    if user.is_province:
        return qs
    if user.role == Role.CITY and user.division is not None:
        return qs.filter(city=user.division)
    return qs.none()


def waiting_count(user, state):
    return application_list_for_user(user=user).filter(state=state).count()
