"""The public notice pages and the objection form (no login); the province's notice management and objection
handling."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.constants import Role
from accounts.tests.factories import KUNSHAN, UserFactory, division
from clusters.models import Certification
from clusters.tests.factories import ApplicationFactory, applicant_user, authority_user, tiny_pdf
from core.storage import private_storage
from reviews import services
from reviews.models import Objection, ObjectionFile, PersonalDataView
from reviews.tests.factories import at, proposed
from reviews.tests.views.helpers import (
    CONTENT,
    FILER,
    START,
    close_and_publish,
    count_queries,
    file_objection,
    make_notice,
    objection_post,
    pdf_text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def in_notice():
    with time_machine.travel(at(2026, 9, 25, 10)):
        yield


def test_public_pages_render_for_anonymous_visitors_and_never_show_the_filer(client, province):
    notice, apps = make_notice(province)
    file_objection(notice, apps[0])
    with time_machine.travel(at(2026, 9, 25, 10)):
        pages = {
            "list": client.get(reverse("public:notice_list")),
            "detail": client.get(reverse("public:notice_detail", args=[notice.pk])),
            "form": client.get(reverse("public:objection_form", args=[notice.pk])),
        }
        pdf = client.get(reverse("public:notice_pdf", args=[notice.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    pdf_words = pdf_text(pdf.content)
    assert apps[0].cluster.name in pdf_words and "2026年9月24日至10月8日" in pdf_words
    detail = pages["detail"].content.decode()
    assert "2026年9月24日至10月8日（5个工作日）" in detail
    assert "2026年10月8日 23:59:59" in detail
    assert apps[0].cluster.name in detail and apps[0].cluster.lead_industry in detail
    assert apps[0].cluster.division.name in detail and apps[0].cluster.division.parent.name in detail
    assert "中小企业处" in detail and "025-12345678" in detail
    assert reverse("public:objection_form", args=[notice.pk]) in detail
    assert "拟认定名单公示" in pages["list"].content.decode() and "公示中" in pages["list"].content.decode()
    publication = close_and_publish(notice, province)
    cert = Certification.objects.get(application=apps[0])
    with time_machine.travel(at(2026, 10, 13, 10)):
        pages |= {
            "list-after": client.get(reverse("public:notice_list")),
            "detail-after": client.get(reverse("public:notice_detail", args=[notice.pk])),
            "publication": client.get(reverse("public:publication_detail", args=[publication.pk])),
            "registry": client.get(reverse("public:registry")),
            "registry-cluster": client.get(reverse("public:registry_cluster", args=[cert.number])),
            "registry-cluster-pk": client.get(reverse("public:registry_cluster", args=[cert.cluster_id])),
            "verify": client.get(reverse("public:verify", args=[cert.number])),
            "verify-form": client.get(reverse("public:verify_form")),
        }
        pub_pdf = client.get(reverse("public:publication_pdf", args=[publication.pk]))
    assert "公示期已结束" in pages["detail-after"].content.decode()
    assert reverse("public:objection_form", args=[notice.pk]) not in pages["detail-after"].content.decode()
    assert cert.number in pdf_text(pub_pdf.content)
    assert cert.number in pages["publication"].content.decode()
    assert "苏工信中小〔2026〕99号" in pages["publication"].content.decode()
    for name, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200, name
        assert "江苏省" in html, name
        for secret in (FILER["name"], FILER["phone"], FILER["email"], "138****5678", "张**"):
            assert secret not in html, (name, secret)
    for data in (pdf.content, pub_pdf.content):
        words = pdf_text(data)
        assert FILER["name"] not in words and FILER["phone"] not in words


def test_draft_notices_are_not_public(client, province):
    with time_machine.travel(at(2026, 9, 24, 8)):
        call, _apps = proposed(province)
        notice = services.notice_create(
            call=call, actor=province, start_date=START, contact_department="中小企业处", contact_phone="025-1"
        )
        for name in ("notice_detail", "notice_pdf", "objection_form"):
            assert client.get(reverse(f"public:{name}", args=[notice.pk])).status_code == 404
        assert notice.title not in client.get(reverse("public:notice_list")).content.decode()


def test_objection_form_shows_the_receipt(client, province, in_notice, mailoutbox, django_capture_on_commit_callbacks):
    notice, apps = make_notice(province)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("public:objection_form", args=[notice.pk]),
            objection_post(apps[1], email=FILER["email"], files=[SimpleUploadedFile("证明.pdf", tiny_pdf())]),
            follow=True,
        )
    html = response.content.decode()
    objection = Objection.objects.get()
    assert response.status_code == 200 and response.redirect_chain
    assert objection.receipt_number in html and "异议已受理" in html and "已同时发送到您填写的电子邮箱" in html
    assert objection.application_id == apps[1].pk and objection.files.count() == 1
    assert FILER["name"] not in html and FILER["phone"] not in html
    receipts = [m for m in mailoutbox if m.to == [FILER["email"]]]
    assert len(receipts) == 1 and objection.receipt_number in receipts[0].subject


def test_receipt_without_email_does_not_claim_one_was_sent(client, province, in_notice):
    notice, apps = make_notice(province)
    response = client.post(reverse("public:objection_form", args=[notice.pk]), objection_post(apps[0]), follow=True)
    assert response.status_code == 200 and "已同时发送" not in response.content.decode()


def test_objection_after_the_deadline_is_refused(client, province):
    notice, apps = make_notice(province)
    url = reverse("public:objection_form", args=[notice.pk])
    with time_machine.travel(at(2026, 10, 9, 0, 0, 1)):
        page = client.get(url)
        assert page.status_code == 200 and "受理期已结束" in page.content.decode()
        assert 'enctype="multipart/form-data"' not in page.content.decode()
        refused = client.post(url, objection_post(apps[0]))
    assert refused.status_code == 400 and "不在受理期内" in refused.content.decode()
    assert not Objection.objects.exists()


def test_the_sixth_post_in_an_hour_from_one_address_is_refused(client, province, in_notice):
    notice, apps = make_notice(province)
    url = reverse("public:objection_form", args=[notice.pk])
    for i in range(5):
        post = objection_post(apps[0], content=f"{CONTENT}（第{i}份）")
        assert client.post(url, post, REMOTE_ADDR="203.0.113.9").status_code == 302
    sixth = client.post(url, objection_post(apps[0], content=f"{CONTENT}（第6份）"), REMOTE_ADDR="203.0.113.9")
    assert sixth.status_code == 429 and "提交过于频繁，请一小时后再试。" in sixth.content.decode()
    assert Objection.objects.count() == 5
    assert client.post(url, objection_post(apps[0]), REMOTE_ADDR="203.0.113.10").status_code == 302


@pytest.mark.parametrize(
    "upload, message",
    [
        (lambda: SimpleUploadedFile("证据.pdf", b"MZ\x90\x00" + b"\x00" * 100), "文件内容不是允许的类型"),
        (
            lambda: SimpleUploadedFile("大.pdf", b"%PDF-1.4\n" + b"0" * (services.OBJECTION_FILE_MAX_MB * 1024 * 1024)),
            "上限",
        ),
    ],
    ids=["wrong-type", "oversized"],
)
def test_bad_evidence_shows_the_message_and_stores_nothing(client, province, in_notice, settings, upload, message):
    notice, apps = make_notice(province)
    response = client.post(
        reverse("public:objection_form", args=[notice.pk]), objection_post(apps[0], files=[upload()])
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Objection.objects.exists() and not ObjectionFile.objects.exists()
    storage = private_storage()
    assert not storage.exists("objections") or storage.listdir("objections") == ([], [])


def test_a_cluster_not_in_the_notice_is_a_field_error(client, province, in_notice):
    notice, _apps = make_notice(province)
    other = ApplicationFactory()
    response = client.post(reverse("public:objection_form", args=[notice.pk]), objection_post(other))
    assert response.status_code == 400 and "请选择本次公示名单中的集群。" in response.content.decode()
    assert 'id="id_application_error"' in response.content.decode()
    assert not Objection.objects.exists()


def test_missing_contact_is_shown_on_the_field(client, province, in_notice):
    notice, apps = make_notice(province)
    response = client.post(reverse("public:objection_form", args=[notice.pk]), objection_post(apps[0], phone=""))
    assert response.status_code == 400 and 'id="id_phone_error"' in response.content.decode()
    assert not Objection.objects.exists()


def test_staff_see_masked_contacts_and_full_views_are_logged(client, province):
    notice, apps = make_notice(province)
    objection = file_objection(notice, apps[0], name="王五", phone="13812345678")
    client.force_login(province)
    page = client.get(reverse("public:notice_admin", args=[notice.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "138****5678" in html and "王**" in html and objection.receipt_number in html
    assert "13812345678" not in html and "王五" not in html
    assert not PersonalDataView.objects.exists()
    full = client.post(reverse("public:objection_personal", args=[objection.pk]))
    assert full.status_code == 200 and "13812345678" in full.content.decode() and "王五" in full.content.decode()
    assert "no-store" in full["Cache-Control"]
    assert PersonalDataView.objects.filter(objection=objection, viewer=province).count() == 1
    again = client.get(reverse("public:notice_admin", args=[notice.pk]))
    assert "13812345678" not in again.content.decode()


def test_staff_download_evidence_and_handle_objections(client, province):
    notice, apps = make_notice(province)
    objection = file_objection(notice, apps[0], files=[SimpleUploadedFile("证明.pdf", tiny_pdf())])
    client.force_login(province)
    evidence = client.get(reverse("public:objection_evidence", args=[objection.files.get().pk]))
    assert evidence.status_code == 200 and b"".join(evidence.streaming_content).startswith(b"%PDF")
    url = reverse("public:objection_handle", args=[objection.pk])
    empty = client.post(url, {f"o{objection.pk}-decision": "dismiss", f"o{objection.pk}-result": ""})
    assert empty.status_code == 400
    done = client.post(url, {f"o{objection.pk}-decision": "dismiss", f"o{objection.pk}-result": "经核查数据属实。"})
    assert done.status_code == 302
    objection.refresh_from_db()
    assert objection.status == "dismissed" and objection.result == "经核查数据属实。"


@pytest.mark.parametrize("role", ["county", "city", "applicant", "expert"])
def test_staff_pages_are_404_for_everyone_but_the_province(client, province, role):
    notice, apps = make_notice(province)
    objection = file_objection(notice, apps[0], files=[SimpleUploadedFile("证明.pdf", tiny_pdf())])
    user = {
        "county": lambda: authority_user(Role.COUNTY, division(KUNSHAN)),
        "city": lambda: authority_user(Role.CITY, division(KUNSHAN)),
        "applicant": lambda: applicant_user(apps[0].applicant),
        "expert": lambda: UserFactory(expert=True),
    }[role]()
    client.force_login(user)
    gets = [
        reverse("public:notice_manage"),
        reverse("public:notice_admin", args=[notice.pk]),
        reverse("public:objection_evidence", args=[objection.files.get().pk]),
        reverse("public:notice_period_preview") + "?start_date=2026-09-24",
    ]
    posts = [
        reverse("public:notice_create", args=[notice.call_id]),
        reverse("public:notice_publish", args=[notice.pk]),
        reverse("public:objection_personal", args=[objection.pk]),
        reverse("public:objection_handle", args=[objection.pk]),
        reverse("public:publication_create", args=[notice.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {}).status_code == 404, url
    assert not PersonalDataView.objects.exists()


def test_anonymous_visitors_are_sent_to_login_from_staff_pages(client):
    response = client.get(reverse("public:notice_manage"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_staff_create_publish_and_publish_the_list_through_the_forms(client, province):
    with time_machine.travel(at(2026, 9, 23, 9)):
        call, apps = proposed(province, 3)
        client.force_login(province)
        manage = client.get(reverse("public:notice_manage"), {"call": call.pk})
        assert manage.status_code == 200 and apps[0].cluster.name in manage.content.decode()
        preview = client.get(reverse("public:notice_period_preview"), {"start_date": "2026-09-24"})
        assert "2026年9月24日至10月8日" in preview.content.decode()
        unknown = client.get(reverse("public:notice_period_preview"), {"start_date": "2026-12-28"})
        assert "2027" in unknown.content.decode()
        form = {
            "start_date": "2026-12-28",
            "contact_department": "江苏省工业和信息化厅中小企业处",
            "contact_phone": "025-12345678",
            "action": "create",
        }
        refused = client.post(reverse("public:notice_create", args=[call.pk]), form)
        assert refused.status_code == 400 and "尚未录入2027年" in refused.content.decode()
        created = client.post(reverse("public:notice_create", args=[call.pk]), {**form, "start_date": "2026-09-24"})
        assert created.status_code == 302
        notice = call.notices.get()
        assert notice.end_date == dt.date(2026, 10, 8) and notice.status == "draft"
        publish = reverse("public:notice_publish", args=[notice.pk])
        assert client.post(publish).status_code == 200  # the preview, nothing published yet
        assert client.post(publish, {"action": "confirm"}).status_code == 302
        notice.refresh_from_db()
        assert notice.status == "published"
    objection = file_objection(notice, apps[0])
    pub_url = reverse("public:publication_create", args=[notice.pk])
    pub_form = {"doc_number": "苏工信中小〔2026〕99号", "publish_date": "2026-10-12"}
    with time_machine.travel(at(2026, 10, 8, 12)):
        client.force_login(province)  # sessions expire over the travelled weeks
        early = client.post(pub_url, pub_form)
        assert early.status_code == 400 and "期满后才能公布名单" in early.content.decode()
    with time_machine.travel(at(2026, 10, 9, 9)):
        client.force_login(province)
        services.notices_close_due()
        page = client.get(reverse("public:notice_admin", args=[notice.pk]))
        assert "公布认定名单" in page.content.decode()
        pending = client.post(pub_url, pub_form)
        assert pending.status_code == 400 and "还有 1 件异议未处理" in pending.content.decode()
        client.post(
            reverse("public:objection_handle", args=[objection.pk]),
            {f"o{objection.pk}-decision": "uphold", f"o{objection.pk}-result": "经核查，数据口径有误，异议成立。"},
        )
        assert client.post(pub_url, pub_form).status_code == 200  # the preview
        done = client.post(pub_url, {**pub_form, "action": "confirm"})
    assert done.status_code == 302
    assert set(Certification.objects.values_list("application_id", flat=True)) == {apps[1].pk, apps[2].pk}
    assert done["Location"] == reverse("public:publication_detail", args=[notice.publication.pk])


def test_notice_detail_queries_do_not_grow_with_rows(client, province):
    small, _ = make_notice(province, n=2)
    large, _ = make_notice(province, n=6, prefix="第二批集群")
    assert large.applications.count() == 6
    with time_machine.travel(at(2026, 9, 25)):
        two = count_queries(client, reverse("public:notice_detail", args=[small.pk]))
        six = count_queries(client, reverse("public:notice_detail", args=[large.pk]))
    assert two == six


def test_cached_fragments_serve_anonymous_visitors_without_sharing_the_frame(client, province, in_notice):
    from django.test import Client

    notice, apps = make_notice(province)
    url = reverse("public:notice_detail", args=[notice.pk])
    signed_in = Client()
    signed_in.force_login(province)
    staff_page = signed_in.get(url).content.decode()
    assert province.display_name in staff_page
    first, second = Client(), Client()
    with CaptureQueriesContext(connection) as cold:
        a = first.get(url).content.decode()
    with CaptureQueriesContext(connection) as warm:
        b = second.get(url).content.decode()
    assert len(warm.captured_queries) < len(cold.captured_queries)
    assert apps[0].cluster.name in b
    assert province.display_name not in a and province.display_name not in b and "退出登录" not in b

    def token(html):
        import re

        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    assert token(a) != token(b)  # the frame with the CSRF token is rendered per visitor


def test_the_throttle_counts_accepted_objections_per_real_client(client, province, in_notice, settings):
    """Invalid posts do not use up the allowance; a forged X-Forwarded-For does not make a new client."""
    settings.NUM_PROXIES = 0
    notice, apps = make_notice(province)
    url = reverse("public:objection_form", args=[notice.pk])
    for _ in range(6):
        refused = client.post(url, {**objection_post(apps[0]), "content": ""}, REMOTE_ADDR="203.0.113.20")
        assert refused.status_code == 400
    for i in range(5):
        post = objection_post(apps[0], content=f"{CONTENT}（第{i}份）")
        forged = f"198.51.100.{i}"
        response = client.post(url, post, REMOTE_ADDR="203.0.113.20", HTTP_X_FORWARDED_FOR=forged)
        assert response.status_code == 302
    sixth = client.post(url, objection_post(apps[0]), REMOTE_ADDR="203.0.113.20", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert sixth.status_code == 429
    assert Objection.objects.count() == 5


def test_objections_are_refused_when_the_counter_is_unreachable(client, province, in_notice, settings):
    """Fail closed: with Redis down nothing is filed and the citizen is told to try later (no 500)."""
    notice, apps = make_notice(province)
    url = reverse("public:objection_form", args=[notice.pk])
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    from core.cache import ResilientRedisCache

    ResilientRedisCache.reset()
    response = client.post(url, objection_post(apps[0]), REMOTE_ADDR="203.0.113.30")
    assert response.status_code == 503 and "暂时无法受理异议" in response.content.decode()
    assert not Objection.objects.exists()
