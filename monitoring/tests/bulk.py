"""Many certifications at once, for measurements (bulk inserts; no per-row services)."""

import datetime

from accounts.constants import OrganisationKind, Role
from accounts.models import Division, Organisation, User
from accounts.tests.factories import make_credit_code
from clusters.models import Certification, CertificationSource, Cluster
from clusters.tests.factories import authority_user, province_user


def bulk_certifications(n: int, *, start: int = 500_000) -> list[Certification]:
    """n imported certifications (2023) over every county that may host a cluster, each cluster with its own
    applicant body and user, each county and city with an authority user."""
    counties = list(Division.objects.filter(level="county", may_host_cluster=True).order_by("code"))
    orgs = Organisation.objects.bulk_create(
        Organisation(
            name=f"批量集群发展促进中心{start + i}",
            kind=OrganisationKind.APPLICANT,
            credit_code=make_credit_code(start + i, counties[i % len(counties)].code),
            division=counties[i % len(counties)],
        )
        for i in range(n)
    )
    User.objects.bulk_create(
        User(username=f"bulk{start + i}", email=f"bulk{start + i}@example.cn", role=Role.APPLICANT, organisation=o)
        for i, o in enumerate(orgs)
    )
    clusters = Cluster.objects.bulk_create(
        Cluster(
            name=f"批量特色产业集群{start + i}",
            division=o.division,
            owner=o,
            lead_industry="高端装备",
            segment="零部件",
            area_km2=30,
            management_body=o.name,
        )
        for i, o in enumerate(orgs)
    )
    for county in {c.division_id: c.division for c in clusters}.values():
        authority_user(Role.COUNTY, county)
        authority_user(Role.CITY, county)
    province_user()
    valid_from = datetime.date(2023, 11, 20)
    return Certification.objects.bulk_create(
        Certification(
            number=f"JS-BULK-{start + i}",
            cluster=c,
            year=2023,
            source=CertificationSource.IMPORTED,
            valid_from=valid_from,
            valid_to=datetime.date(2026, 11, 19),
            doc_number="苏工信中小〔2023〕1号",
        )
        for i, c in enumerate(clusters)
    )
