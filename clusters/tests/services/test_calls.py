"""The call services: creating a draft call with its defaults, and what publishing checks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clusters import services
from clusters.constants import CallStatus
from clusters.models import AttachmentRequirement, Call, RubricCriterion
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.transitions import history_for

pytestmark = pytest.mark.django_db


def call_dates(**shift):
    now = timezone.now()
    return {
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=30),
        "city_deadline": now + timedelta(days=45),
        **shift,
    }


def test_call_create_has_default_rubric_and_requirements(province):
    call = services.call_create(actor=province, year=2027, title="2027年度申报", **call_dates())

    assert call.status == CallStatus.DRAFT
    assert call.published_at is None
    weights = list(call.rubric.values_list("weight", flat=True))
    assert len(weights) == 8
    assert sum(weights) == 100
    requirements = list(call.requirements.all())
    assert len(requirements) == 3
    assert sum(r.required for r in requirements) == 2
    # Issue #11: the county's opinion is what the county review records, not an applicant upload.
    assert "县级主管部门推荐意见" not in {r.name for r in requirements}
    assert call.thresholds["min_total_output"] == "400000"
    assert call.data_years == [2023, 2024, 2025, 2026]
    assert not history_for(call).exists()


def test_call_create_accepts_experts_per_application_from_the_form(province):
    call = services.call_create(
        actor=province, year=2027, title="2027年度申报", experts_per_application=7, **call_dates()
    )

    assert Call.objects.get(pk=call.pk).experts_per_application == 7


def test_call_create_refused_to_non_province_and_bad_dates(province, owner):
    with pytest.raises(NotAllowed):
        services.call_create(actor=owner, year=2027, title="x", **call_dates())
    with pytest.raises(ServiceError, match="截止时间必须晚于开始时间"):
        services.call_create(
            actor=province, year=2027, title="x", **call_dates(closes_at=timezone.now() - timedelta(days=2))
        )

    assert not Call.objects.filter(year=2027).exists()


def test_call_publish_refuses_rubric_weights_not_summing_to_100(province):
    call = services.call_create(actor=province, year=2027, title="2027年度申报", **call_dates())
    first = call.rubric.first()
    RubricCriterion.objects.filter(pk=first.pk).update(weight=first.weight + 5)

    with pytest.raises(ServiceError, match="权重合计为 105.00%，应为 100%"):
        services.call_publish(call=call, actor=province)

    call = Call.objects.get(pk=call.pk)
    assert call.status == CallStatus.DRAFT
    assert call.published_at is None
    assert not history_for(call).exists()


def test_call_publish_refuses_an_empty_rubric_and_bad_thresholds(province):
    call = services.call_create(actor=province, year=2027, title="2027年度申报", **call_dates())
    Call.objects.filter(pk=call.pk).update(thresholds={"min_platforms": "五个"})
    with pytest.raises(ServiceError, match="门槛"):
        services.call_publish(call=call, actor=province)

    call.rubric.all().delete()
    with pytest.raises(ServiceError, match="评分细则不能为空"):
        services.call_publish(call=call, actor=province)

    assert Call.objects.get(pk=call.pk).status == CallStatus.DRAFT


def test_call_publish_publishes_and_logs(province):
    call = services.call_create(actor=province, year=2027, title="2027年度申报", **call_dates())

    published = services.call_publish(call=call, actor=province, comment="印发通知")

    call = Call.objects.get(pk=call.pk)
    assert call.status == CallStatus.PUBLISHED
    assert call.published_at is not None
    (row,) = history_for(call)
    assert (row.transition, row.from_state, row.to_state) == ("publish", "draft", "published")
    assert row.actor == province
    assert row.comment == "印发通知"
    assert published.status == CallStatus.PUBLISHED

    with pytest.raises(Conflict):
        services.call_publish(call=call, actor=province)
    assert history_for(call).count() == 1


def test_call_publish_refused_to_non_province(province, owner):
    call = services.call_create(actor=province, year=2027, title="2027年度申报", **call_dates())

    with pytest.raises(NotAllowed):
        services.call_publish(call=call, actor=owner)

    assert Call.objects.get(pk=call.pk).status == CallStatus.DRAFT


def test_requirement_list_is_per_call(call):
    assert AttachmentRequirement.objects.filter(call=call).count() == 3
