"""A certified cluster cannot apply again as a new cluster while its certificate is valid (Art. 11: it goes to
re-review, 复核): refused at cluster registration (same management body and division), at application create (the
cluster itself, or its body) and at submission (same management body credit code and division)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import KUNSHAN, division
from clusters import services
from clusters.models import Certification
from clusters.tests.factories import (
    ClusterFactory,
    applicant_user,
    application_in_state,
    fill_passing,
    published_call,
)
from core.exceptions import ServiceError

pytestmark = pytest.mark.django_db


def _valid_code():
    from core.validators import credit_code_check_char

    first17 = "91320583000000777"
    return first17 + credit_code_check_char(first17)


def certify(application, *, valid_to=None):
    """A certification of `application` as publication makes it (valid from 200 days ago)."""
    today = timezone.localdate()
    return Certification.objects.create(
        number=f"JS-TSJQ-{application.call.year}-{application.pk:03d}",
        cluster=application.cluster,
        call=application.call,
        application=application,
        year=application.call.year,
        valid_from=today - dt.timedelta(days=200),
        valid_to=valid_to or today + dt.timedelta(days=800),
        doc_number="苏工信中小〔2026〕1号",
    )


@pytest.fixture
def certified():
    cluster = ClusterFactory(management_body="昆山精密机械集群发展促进中心")
    app = application_in_state("county_review", cluster=cluster, call=published_call(2026))
    certify(app)
    return app


def test_registering_the_same_body_again_is_refused_pointing_to_re_review(certified):
    owner = applicant_user(certified.applicant)
    with pytest.raises(ServiceError) as err:
        services.cluster_register(
            actor=owner,
            name="昆山精密机械产业集群（新）",
            division=division(KUNSHAN),
            lead_industry="精密机械",
            segment="精密零部件",
            area_km2=Decimal("30"),
            management_body=" 昆山精密机械集群发展促进中心 ",
        )
    assert "复核" in err.value.message and certified.certification.number in err.value.message


def test_the_certified_cluster_cannot_open_an_application_in_a_later_call(certified):
    owner = applicant_user(certified.applicant)
    with pytest.raises(ServiceError, match="复核"):
        services.application_create(actor=owner, cluster=certified.cluster, call=published_call(2027))


def test_another_cluster_of_the_same_body_code_cannot_submit(certified):
    code = _valid_code()
    certified.management_body_credit_code = code
    type(certified).objects.filter(pk=certified.pk).update(management_body_credit_code=code)
    twin = ClusterFactory(owner=certified.cluster.owner, name="换个名字的集群", management_body="别的名字")
    owner = applicant_user(twin.owner)
    draft = fill_passing(services.application_create(actor=owner, cluster=twin, call=published_call(2027)), owner)
    draft = services.application_update(
        application=draft, actor=owner, version=draft.edit_version, data={"management_body_credit_code": code}
    )
    with pytest.raises(ServiceError) as err:
        services.application_submit(application=draft, actor=owner)
    assert "复核" in err.value.message


def test_an_expired_certification_does_not_block_a_new_application(certified):
    Certification.objects.filter(application=certified).update(valid_to=timezone.localdate() - dt.timedelta(days=1))
    owner = applicant_user(certified.applicant)
    services.application_create(actor=owner, cluster=certified.cluster, call=published_call(2027))
