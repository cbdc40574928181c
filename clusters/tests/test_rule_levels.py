"""The levels that count (Art. 6): only national and industry standards count for 5e ("国家标准、行业标准"), only
provincial-or-higher pilot projects for 6c ("省级以上"); every platform, standard and pilot says its level."""

import pytest

from clusters import selectors, services
from clusters.constants import ApplicationState, ListKind, PlatformLevel
from clusters.tests.factories import applicant_user, application_in_state
from core.exceptions import ServiceError

pytestmark = pytest.mark.django_db
S = ApplicationState


@pytest.fixture
def filled():
    return application_in_state(S.DRAFT)


def _replace(application, kind, levels):
    owner = applicant_user(application.applicant)
    for item in application.list_items.filter(kind=kind):
        services.list_item_remove(application=application, actor=owner, item_id=item.pk)
    for i, level in enumerate(levels):
        services.list_item_add(application=application, actor=owner, kind=kind, name=f"条目{i}", level=level)


def _outcome(application, code):
    results = selectors.evaluate_application(selectors.application_with_sections(application.pk))
    return next(r for r in results if r.code == code)


def test_three_group_standards_do_not_pass_5e(filled):
    _replace(filled, ListKind.STANDARD, [PlatformLevel.OTHER] * 3)
    rule = _outcome(filled, "5e")
    assert rule.outcome == "fail"


def test_national_and_industry_standards_count_for_5e(filled):
    _replace(filled, ListKind.STANDARD, [PlatformLevel.NATIONAL, PlatformLevel.INDUSTRY, PlatformLevel.INDUSTRY])
    assert _outcome(filled, "5e").outcome == "pass"
    _replace(filled, ListKind.STANDARD, [PlatformLevel.NATIONAL, PlatformLevel.INDUSTRY, PlatformLevel.PROVINCIAL])
    assert _outcome(filled, "5e").outcome == "fail"  # a local (provincial) standard is neither


def test_a_city_level_pilot_does_not_pass_6c(filled):
    _replace(filled, ListKind.PILOT, [PlatformLevel.CITY])
    assert _outcome(filled, "6c").outcome == "fail"
    _replace(filled, ListKind.PILOT, [PlatformLevel.PROVINCIAL])
    assert _outcome(filled, "6c").outcome == "pass"
    _replace(filled, ListKind.PILOT, [PlatformLevel.NATIONAL])
    assert _outcome(filled, "6c").outcome == "pass"


@pytest.mark.parametrize("kind", [ListKind.PLATFORM, ListKind.STANDARD, ListKind.PILOT])
def test_platforms_standards_and_pilots_must_say_their_level(filled, kind):
    owner = applicant_user(filled.applicant)
    with pytest.raises(ServiceError) as err:
        services.list_item_add(application=filled, actor=owner, kind=kind, name="未注明级别")
    assert "level" in err.value.errors


def test_industry_level_is_for_standards_only(filled):
    owner = applicant_user(filled.applicant)
    with pytest.raises(ServiceError):
        services.list_item_add(
            application=filled, actor=owner, kind=ListKind.PILOT, name="行业级试点", level=PlatformLevel.INDUSTRY
        )
    services.list_item_add(
        application=filled, actor=owner, kind=ListKind.SHARING, name="共享仓储"
    )  # sharing and international activities need no level
