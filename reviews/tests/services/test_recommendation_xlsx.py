"""The recommendation's summary workbook (推荐汇总表): complete, the same rows as the document's table, read in a
constant number of queries, and cached only until anything it shows changes, logged or not."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.constants import Role
from accounts.tests.factories import ZHANGJIAGANG, OrganisationFactory, division
from clusters import services as cluster_services
from clusters.constants import ApplicationState as S
from clusters.models import ApplicationVersion
from clusters.tests.factories import ClusterFactory, applicant_user, application_in_state, authority_user
from reviews import services
from reviews.services import recommendations as module

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

HEADERS = ["序号", "集群名称", "所在县（市、区）", "主导产业", "申报主体"]


def _recommended(n, call=None):
    first = application_in_state(S.CITY_REVIEW, call=call)
    apps = [first]
    for i in range(1, n):
        org = OrganisationFactory(division=division(ZHANGJIAGANG))
        cluster = ClusterFactory(owner=org, name=f"张家港市第{i}特色产业集群")
        apps.append(application_in_state(S.CITY_REVIEW, cluster=cluster, call=first.call))
    city = authority_user(Role.CITY, first.cluster.division)
    rec = services.recommendation_submit(
        call=first.call,
        actor=city,
        doc_number=f"苏工信中小〔2026〕{n}号",
        doc_date=timezone.localdate(),
        application_ids=[a.pk for a in apps],
    )
    for a in apps:
        a.refresh_from_db()
    return rec, apps, city


def _sheet(rec):
    ws = load_workbook(io.BytesIO(services.recommendation_xlsx(rec))).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_the_workbook_has_every_row_of_the_documents_table(province):
    rec, apps, _city = _recommended(3)
    failing = apps[1]
    version = ApplicationVersion.objects.filter(application=failing).order_by("-number").first()
    ApplicationVersion.objects.filter(pk=version.pk).update(
        eligibility=[
            {"code": "2a", "kind": "hard", "outcome": "fail"},
            {"code": "1", "kind": "soft", "outcome": "fail"},
            {"code": "3b", "kind": "hard", "outcome": "pass"},
            {"code": "4c", "kind": "hard", "outcome": "fail"},
        ]
    )
    lines = _sheet(rec)
    year = rec.call.year
    assert lines[0][0] == f"{year}年度江苏省中小企业特色产业集群推荐汇总表（{rec.city.name}，{rec.doc_number}）"
    assert lines[1][:5] == HEADERS and lines[1][5] == f"{year - 1}年总产值（万元）"
    body = lines[2:]
    rows = services.recommendation_rows(rec)
    assert len(body) == len(rows) == 3
    keys = ("no", "cluster", "county", "lead_industry", "applicant", "total_output", "lead_output", "failed")
    assert body == [[r[k] if not isinstance(r[k], Decimal) else float(r[k]) for k in keys] for r in rows]
    assert sorted(r["cluster"] for r in rows) == sorted(a.cluster.name for a in apps)
    by_cluster = {r["cluster"]: r for r in rows}
    assert by_cluster[failing.cluster.name]["failed"] == "2a、4c"
    assert by_cluster[apps[0].cluster.name]["failed"] == "全部达标"
    latest = apps[0].year_data.get(year=year - 1)
    assert by_cluster[apps[0].cluster.name]["total_output"] == latest.total_output
    assert by_cluster[apps[0].cluster.name]["lead_output"] == latest.lead_output
    # the preview's rows (before the document exists) are the same rows
    assert services.summary_rows(apps) == rows


def test_text_a_spreadsheet_would_run_stays_text(province):
    rec, apps, _city = _recommended(1)
    cluster = apps[0].cluster
    cluster.lead_industry = '=HYPERLINK("http://evil.example/")'
    cluster.save()
    ws = load_workbook(io.BytesIO(services.recommendation_xlsx(rec))).active
    cell = ws.cell(row=3, column=4)
    assert cell.value == cluster.lead_industry and cell.data_type == "s" and cell.quotePrefix
    assert ws["A1"].font.bold and ws["A2"].font.bold and ws.column_dimensions["B"].width == 30


def test_the_workbook_is_read_in_queries_that_do_not_grow_with_its_rows(client, province):
    def queries(rec, city):
        client.force_login(city)
        url = reverse("reviews:recommendation_xlsx", args=[rec.pk])
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    one, _apps, city = _recommended(1)
    three, _apps, city3 = _recommended(3)
    assert queries(one, city) == queries(three, city3)


def test_the_workbook_is_built_once_per_change_of_what_it_shows(province, monkeypatch):
    rec, apps, _city = _recommended(2)
    builds = []
    real = module._recommendation_workbook
    monkeypatch.setattr(module, "_recommendation_workbook", lambda r: builds.append(r.pk) or real(r))
    first = _sheet(rec)
    assert _sheet(rec) == first and len(builds) == 1  # served from the cache
    a = apps[0]

    # an administrator renames the applicant: no log entry, still a new workbook
    org = a.applicant
    org.name = "改名后的申报主体有限公司"
    org.save()
    assert "改名后的申报主体有限公司" in [v for line in _sheet(rec) for v in line] and len(builds) == 2

    # the province returns it for correction (logged) ...
    a = cluster_services.application_transition(
        application=a, actor=province, verb="return", method="return_to_applicant", comment="退回补正", reason="补正"
    )
    _sheet(rec)
    assert len(builds) == 3
    # ... and the applicant corrects its figures and its cluster's name in the draft (no log entry)
    owner = applicant_user(a.applicant)
    a.refresh_from_db()
    a = cluster_services.year_data_update(
        application=a,
        actor=owner,
        version=a.edit_version,
        rows={rec.call.year - 1: {"total_output": Decimal("987654.00")}},
    )
    assert 987654 in [v for line in _sheet(rec) for v in line] and len(builds) == 4
    cluster_services.cluster_update(cluster=a.cluster, actor=owner, name="补正后的特色产业集群")
    assert "补正后的特色产业集群" in [v for line in _sheet(rec) for v in line] and len(builds) == 5
    assert _sheet(rec) and len(builds) == 5
