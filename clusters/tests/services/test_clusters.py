"""Registering and updating clusters: who may, where, and when the data is frozen by a review."""

from decimal import Decimal

import pytest

from accounts.tests.factories import JIANGYIN, KUNSHAN, SUZHOU, UserFactory, division
from clusters import services
from clusters.constants import ApplicationState
from clusters.models import Cluster
from clusters.tests.factories import application_in_state
from core.exceptions import NotAllowed, ServiceError

pytestmark = pytest.mark.django_db
S = ApplicationState


def cluster_fields(**overrides):
    return {
        "name": "昆山市精密机械特色产业集群",
        "division": division(KUNSHAN),
        "lead_industry": "精密机械",
        "segment": "精密零部件",
        "area_km2": Decimal("40"),
        "management_body": "昆山市集群促进中心",
        **overrides,
    }


def test_cluster_register_by_applicant_in_own_county():
    actor = UserFactory()

    cluster = services.cluster_register(actor=actor, **cluster_fields())

    assert cluster.owner == actor.organisation
    assert Cluster.objects.get(pk=cluster.pk).division_id == KUNSHAN


def test_cluster_register_refuses_non_applicant():
    county = UserFactory(county=True)

    with pytest.raises(NotAllowed):
        services.cluster_register(actor=county, **cluster_fields())

    assert not Cluster.objects.exists()


def test_cluster_register_refuses_city_level_division():
    actor = UserFactory()

    with pytest.raises(ServiceError, match="县（市、区）"):
        services.cluster_register(actor=actor, **cluster_fields(division=division(SUZHOU)))

    assert not Cluster.objects.exists()


def test_cluster_register_refuses_another_county():
    actor = UserFactory()  # an applicant of 昆山市

    with pytest.raises(ServiceError, match="本单位所在"):
        services.cluster_register(actor=actor, **cluster_fields(division=division(JIANGYIN)))

    assert not Cluster.objects.exists()


def test_cluster_register_refuses_invalid_values():
    actor = UserFactory()

    with pytest.raises(ServiceError, match="面积"):
        services.cluster_register(actor=actor, **cluster_fields(area_km2=Decimal("0")))

    assert not Cluster.objects.exists()


def test_cluster_update_refused_while_under_review(cluster, owner):
    application_in_state(S.COUNTY_REVIEW, cluster=cluster)

    with pytest.raises(ServiceError, match="正在评审"):
        services.cluster_update(cluster=cluster, actor=owner, name="改名集群")

    assert Cluster.objects.get(pk=cluster.pk).name == cluster.name


def test_cluster_update_leaves_caller_instance_alone_when_refused(cluster, owner):
    original = cluster.name
    with pytest.raises(ServiceError):
        services.cluster_update(cluster=cluster, actor=owner, name="新名称", area_km2=Decimal("-1"))

    assert cluster.name == original
    assert Cluster.objects.get(pk=cluster.pk).name == original
    updated = services.cluster_update(cluster=cluster, actor=owner, name="新名称")
    assert Cluster.objects.get(pk=cluster.pk).name == updated.name == "新名称"


def test_cluster_update_refused_for_a_cluster_certified_before_the_portal(cluster, owner):
    """An imported certification has no application to freeze the cluster: the certification itself does. Its
    name and industry change through a change report (Art. 12), reviewed and logged, never directly."""
    import datetime

    from clusters.services.imports import certification_create_imported
    from clusters.tests.factories import province_user

    certification_create_imported(
        actor=province_user(),
        cluster=cluster,
        number="JSTS-2024-0001",
        doc_number="苏工信中小〔2024〕1号",
        publish_date=datetime.date(2024, 6, 1),
        valid_from=datetime.date(2024, 6, 1),
        valid_to=datetime.date(2027, 5, 31),
    )
    with pytest.raises(ServiceError, match="认定有效期内"):
        services.cluster_update(cluster=cluster, actor=owner, name="改名集群", lead_industry="别的产业")
    assert Cluster.objects.get(pk=cluster.pk).name == cluster.name
