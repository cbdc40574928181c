"""Shared by the page tests: the province's pages, and a published notice of the proposed list with objections and
publication, moved through the services at fixed dates around the 2026 National Day holiday."""

import datetime as dt
import io

import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import NANJING
from reviews import services
from reviews.tests.factories import at, proposed

START = dt.date(2026, 9, 24)  # a 5-working-day notice from here ends on 8 October (National Day skipped)
FILER = {"name": "张三丰", "phone": "13812345678", "email": "zsf@example.cn"}
CONTENT = "该集群的主导产业产值数据与统计年鉴不符，请核查。"


def province_urls(call, app, sheet, meeting, check_app, stored):
    """Every page of the province's decision, for a call with a scored sheet, a meeting and a site check file."""
    return [
        reverse("reviews:province_decision"),
        reverse("reviews:province_decision") + f"?call={call.pk}",
        reverse("reviews:expert_pool"),
        reverse("reviews:expert_pool") + f"?q=用户&city={NANJING}&active=1",
        reverse("reviews:expert_create"),
        reverse("reviews:expert_edit", args=[sheet.assignment.expert_id]),
        reverse("reviews:assignments", args=[call.pk]),
        reverse("reviews:score_table", args=[call.pk]),
        reverse("reviews:score_table", args=[call.pk]) + "?sort=normalised",
        reverse("reviews:score_table_xlsx", args=[call.pk]),
        reverse("reviews:scoresheet_pdf", args=[sheet.pk]),
        reverse("reviews:spot_check", args=[call.pk]),
        reverse("reviews:site_check", args=[check_app.pk]),
        reverse("reviews:stored_file", args=[stored.pk]),
        reverse("reviews:meetings", args=[call.pk]),
        reverse("reviews:meeting_detail", args=[meeting.pk]),
    ]


def text_of(response) -> str:
    return response.content.decode()


def queries_of(client, url):
    """(number of queries, response) of a GET that must answer 200, after a first GET that fills the per-user
    caches (the to-do total), so that two measurements compare the page and not the cache's state."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def make_notice(province, n=2, start=START, prefix="公示集群"):
    with time_machine.travel(at(start.year, start.month, start.day, 8)):
        call, apps = proposed(province, n, prefix)
        notice = services.notice_create(
            call=call, actor=province, start_date=start, contact_department="中小企业处", contact_phone="025-12345678"
        )
        return services.notice_publish(notice=notice, actor=province), apps


def file_objection(notice, app, **extra):
    with time_machine.travel(at(2026, 9, 25, 10)):
        return services.objection_file(notice=notice, application_id=app.pk, content=CONTENT, **{**FILER, **extra})


def close_and_publish(notice, province, *, doc_number="苏工信中小〔2026〕99号"):
    with time_machine.travel(at(2026, 10, 9, 9)):
        services.notices_close_due()
        notice.refresh_from_db()
        for objection in notice.objections.filter(status="received"):
            services.objection_handle(objection=objection, actor=province, decision="dismiss", result="经核查不成立。")
        return services.publication_create(
            notice=notice, actor=province, doc_number=doc_number, publish_date=dt.date(2026, 10, 12)
        )


def objection_post(app, **overrides):
    return {"application": app.pk, "name": FILER["name"], "phone": FILER["phone"], "content": CONTENT, **overrides}


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)
