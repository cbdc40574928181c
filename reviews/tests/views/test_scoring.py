"""The expert's tasks, declaration and score sheet; the score-sheet PDF; the ranking and its Excel export."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import NANJING
from clusters.constants import ApplicationState as S
from clusters.tests.factories import application_in_state, published_call
from reviews import services
from reviews.models import ScoreSheet
from reviews.tests.factories import assign_expert, expert, score_application
from reviews.tests.views.helpers import queries_of, text_of

pytestmark = pytest.mark.django_db


def test_the_sheets_own_expert_may_print_it_but_no_other(client, province, decision_world):
    sheet = decision_world["sheet"]
    url = reverse("reviews:scoresheet_pdf", args=[sheet.pk])
    client.force_login(sheet.assignment.expert.user)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    client.force_login(expert(city_code=NANJING).user)
    assert client.get(url).status_code == 404


def test_expert_gets_404_on_someone_elses_sheet_and_after_unassignment(client, province, app):
    mine, theirs = assign_expert(app, province), assign_expert(app, province)
    client.force_login(mine.expert.user)
    assert client.get(reverse("reviews:scoring", args=[mine.pk])).status_code == 200
    assert client.get(reverse("reviews:scoring", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("reviews:scoring", args=[theirs.pk]), {"action": "no_conflict"}).status_code == 404
    services.expert_unassign(assignment=mine, actor=province, reason="调整")
    assert client.get(reverse("reviews:scoring", args=[mine.pk])).status_code == 404
    assert mine.application.cluster.name not in text_of(client.get(reverse("reviews:expert_tasks")))
    client.force_login(province)  # the province does not score
    assert client.get(reverse("reviews:scoring", args=[theirs.pk])).status_code == 404


def test_scoring_flow_declare_save_submit(client, province, app):
    assignment = assign_expert(app, province)
    user = assignment.expert.user
    url = reverse("reviews:scoring", args=[assignment.pk])
    client.force_login(user)
    tasks = text_of(client.get(reverse("reviews:expert_tasks")))
    assert f"申报编号 {app.pk}" in tasks and app.cluster.name not in tasks

    # before declaring: who the declaration is about (body, cluster, roster), none of the application's data
    body = text_of(client.get(url))
    assert "本人与该申报主体、集群及名册企业不存在利益冲突" in body and app.cluster.lead_industry in body
    assert app.cluster.name in body and app.applicant.name in body
    assert "资格条件自评结果" not in body and "专家评分表" not in body
    response = client.post(url, {"action": "no_conflict"})  # box not ticked
    assert response.status_code == 400 and "请勾选" in text_of(response)
    assert client.post(url, {"action": "no_conflict", "confirm": "on"}).status_code == 302
    body = text_of(client.get(url))
    assert app.cluster.name in body and app.applicant.name in body and "资格条件自评结果" in body

    rubric = list(app.call.rubric.all())
    first, second = rubric[0], rubric[1]
    bad = {
        "action": "save",
        f"score_{first.pk}": str(first.max_points + 1),
        f"score_{second.pk}": "-1",
        "recommendation": "recommend",
    }
    response = client.post(url, bad)
    assert response.status_code == 400
    body = text_of(response)
    assert f"“{first.name}”的得分应在 0 至" in body and f"“{second.name}”的得分应在 0 至" in body
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert sheet.scores == {} and sheet.recommendation == ""

    half = {f"score_{c.pk}": str(c.max_points / 2) for c in rubric}
    draft = {"action": "save", **half, f"comment_{first.pk}": "规模较大", "recommendation": "recommend"}
    assert client.post(url, draft).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == "draft" and sheet.comments == {str(first.pk): "规模较大"}
    assert sheet.weighted_total == Decimal("50.00")

    assert client.post(url, {**draft, "action": "submit", "overall_comment": "总体较好"}).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == "submitted" and sheet.overall_comment == "总体较好"
    body = text_of(client.get(url))
    assert "已提交" in body and "50.00" in body and 'name="action" value="submit"' not in body

    response = client.post(url, {**draft, "action": "submit"})
    assert response.status_code == 400 and "不能重复提交" in text_of(response)
    response = client.post(url, {**draft, "action": "save", f"score_{first.pk}": "0"})
    assert response.status_code == 400
    sheet.refresh_from_db()
    assert sheet.scores[str(first.pk)] == str(first.max_points / 2)


def test_submit_with_missing_scores_is_refused_but_keeps_the_draft(client, province, app):
    assignment = assign_expert(app, province)
    services.declare_no_conflict(assignment=assignment, actor=assignment.expert.user)
    client.force_login(assignment.expert.user)
    first = app.call.rubric.first()
    response = client.post(
        reverse("reviews:scoring", args=[assignment.pk]), {"action": "submit", f"score_{first.pk}": "10"}
    )
    assert response.status_code == 400 and "尚未打分" in text_of(response)
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert sheet.status == "draft" and sheet.scores == {str(first.pk): "10"}


def test_declaring_a_conflict_through_the_page(client, province, app):
    assignment = assign_expert(app, province)
    client.force_login(assignment.expert.user)
    url = reverse("reviews:scoring", args=[assignment.pk])
    response = client.post(url, {"action": "conflict", "reason": ""})
    assert response.status_code == 400 and "请说明利益冲突的情况" in text_of(response)
    response = client.post(url, {"action": "conflict", "reason": "本人曾在申报主体任职"})
    assert response.status_code == 302 and response.url == reverse("reviews:expert_tasks")
    assignment.refresh_from_db()
    assert assignment.status == "revoked"
    assert client.get(url).status_code == 404


@pytest.fixture
def outlier_app(app, province):
    app.call.outlier_distance = Decimal("15")
    app.call.save()
    sheets = score_application(app, province, [80, 82, 84, 86, 50])
    return app, sheets


def test_ranking_shows_every_score_and_the_outlier(client, province, outlier_app):
    app, sheets = outlier_app
    client.force_login(province)
    body = text_of(client.get(reverse("reviews:score_table", args=[app.call.pk])))
    for sheet in sheets:
        assert sheet.assignment.expert.user.display_name in body
        assert str(sheet.weighted_total) in body
        assert reverse("reviews:scoresheet_pdf", args=[sheet.pk]) in body
    assert body.count('<span aria-hidden="true">! </span>离群</span>') == 1
    assert "76.40" in body and "82.00" in body and "13.35" in body  # mean, median, standard deviation
    assert "5 / 5" in body


def test_excel_export_lists_clusters_and_every_score(client, province, outlier_app):

    app, sheets = outlier_app
    client.force_login(province)
    response = client.get(reverse("reviews:score_table_xlsx", args=[app.call.pk]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    summary = [c for row in wb["评分汇总"].iter_rows(values_only=True) for c in row if c is not None]
    assert app.cluster.name in summary
    details = list(wb["评分明细"].iter_rows(min_row=2, values_only=True))
    assert len(details) == 5 and {r[1] for r in details} == {app.cluster.name}
    assert [r[6] for r in details].count("离群") == 1


def test_scoresheet_pdf_for_the_province(client, province, outlier_app):
    _app, sheets = outlier_app
    client.force_login(province)
    response = client.get(reverse("reviews:scoresheet_pdf", args=[sheets[0].pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"


def test_ranking_and_assignment_query_counts_do_not_grow_with_rows(client, province):
    call = published_call()

    def add(n):
        for _ in range(n):
            a = application_in_state(S.EXPERT_REVIEW, call=call)
            score_application(a, province, [70])
            assign_expert(a, province)  # a second expert, not yet scored

    add(2)
    client.force_login(province)
    pages = [reverse("reviews:score_table", args=[call.pk]), reverse("reviews:assignments", args=[call.pk])]
    before = [queries_of(client, url)[0] for url in pages]
    add(4)
    after = []
    for url in pages:
        n, response = queries_of(client, url)
        after.append(n)
        assert text_of(response).count("编号 ") >= 6
    assert after == before


def test_ranking_pages_load_only_their_rows_and_the_export_stays_complete(client, province, monkeypatch):
    """The ranking is computed from plain values for the whole call, then only the page shown is loaded; the Excel
    export lists every application and every sheet, in a fixed number of queries too."""
    monkeypatch.setattr("reviews.views.scoring.SCORE_TABLE_PAGE_SIZE", 2)
    call = published_call()
    totals = iter([90, 60, 75, 85, 70, 80])

    def add(n):
        for _ in range(n):
            score_application(application_in_state(S.EXPERT_REVIEW, call=call), province, [next(totals)])

    add(3)
    client.force_login(province)
    url = reverse("reviews:score_table", args=[call.pk])
    xlsx = reverse("reviews:score_table_xlsx", args=[call.pk])
    before = [queries_of(client, u)[0] for u in (url, url + "?page=2", xlsx)]
    add(3)
    after = [queries_of(client, u)[0] for u in (url, url + "?page=2", xlsx)]
    assert after == before
    pages = [text_of(client.get(url, {"page": n})) for n in (1, 2, 3)]
    assert all(p.count("评分表 PDF<span") == 2 for p in pages)  # two rows a page, one sheet each
    assert "90.00" in pages[0] and "85.00" in pages[0] and "60.00" in pages[2]
    assert "共 6 个已分配专家的申报" in pages[0]
    wb = load_workbook(io.BytesIO(client.get(xlsx).content))
    summary = list(wb["评分汇总"].iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in summary] == [1, 2, 3, 4, 5, 6] and [r[8] for r in summary] == [
        Decimal(t) for t in (90, 85, 80, 75, 70, 60)
    ]
    assert len(list(wb["评分明细"].iter_rows(min_row=2, values_only=True))) == 6


def test_excel_export_keeps_a_formula_like_name_as_text(client, province, outlier_app):
    app, _sheets = outlier_app
    app.cluster.name = '=HYPERLINK("http://example.com")集群'
    app.cluster.save()
    client.force_login(province)
    wb = load_workbook(io.BytesIO(client.get(reverse("reviews:score_table_xlsx", args=[app.call.pk])).content))
    cell = next(c for row in wb["评分汇总"].iter_rows(min_row=4) for c in row if c.column == 4)
    assert cell.value == app.cluster.name and cell.data_type == "s" and cell.quotePrefix
