"""Objections reach someone and are filed once: the receipt is a page of its own after a redirect (a reload files
nothing), shown only to the browser that filed it; an identical objection within minutes is refused; the
province's staff are told (bell, e-mail, home to-do list); the objector is told the result through the contact
they gave (e-mail, or a phone call the staff record); the notice list counts only unhandled objections."""

import re

import pytest
import time_machine
from django.urls import reverse

from core.exceptions import ServiceError
from core.models import Notification, OutboundEmail
from core.todos import todos_for
from reviews import services
from reviews.models import Objection
from reviews.tests.factories import at
from reviews.tests.views.helpers import CONTENT, FILER, file_objection, make_notice, objection_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def in_notice():
    with time_machine.travel(at(2026, 9, 25, 10)):
        yield


def test_the_receipt_is_a_redirect_and_reloading_it_files_nothing(client, province, in_notice):
    notice, apps = make_notice(province)
    url = reverse("public:objection_form", args=[notice.pk])
    response = client.post(url, objection_post(apps[0]))
    assert response.status_code == 302
    objection = Objection.objects.get()
    receipt_url = reverse("public:objection_receipt", args=[notice.pk, objection.receipt_number])
    assert response["Location"] == receipt_url
    for _reload in range(3):
        page = client.get(receipt_url)
        html = page.content.decode()
        assert page.status_code == 200 and objection.receipt_number in html and "异议已受理" in html
        assert FILER["name"] not in html and FILER["phone"] not in html
    assert Objection.objects.count() == 1


def test_a_resubmitted_identical_objection_is_refused_with_a_clear_message(client, province, in_notice):
    notice, apps = make_notice(province)
    url = reverse("public:objection_form", args=[notice.pk])
    assert client.post(url, objection_post(apps[0])).status_code == 302
    again = client.post(url, objection_post(apps[0]))  # the browser's "resend the form"
    assert again.status_code == 400
    assert "已受理过内容相同的异议" in again.content.decode()
    assert Objection.objects.count() == 1
    # Another text, or the same text about another cluster, is a new objection.
    assert client.post(url, objection_post(apps[0], content=CONTENT + "另附补充情况。")).status_code == 302
    assert client.post(url, objection_post(apps[1])).status_code == 302
    assert Objection.objects.count() == 3


def test_the_same_objection_after_the_window_is_accepted(province):
    notice, apps = make_notice(province)
    file_objection(notice, apps[0])
    with time_machine.travel(at(2026, 9, 25, 10, 5)), pytest.raises(ServiceError, match="已受理过内容相同"):
        services.objection_file(notice=notice, application_id=apps[0].pk, content=CONTENT, **FILER)
    with time_machine.travel(at(2026, 9, 25, 10, 11)):
        services.objection_file(notice=notice, application_id=apps[0].pk, content=CONTENT, **FILER)
    assert Objection.objects.count() == 2


def test_the_receipt_page_shows_nothing_to_someone_who_guesses_a_number(client, province, in_notice):
    from django.test import Client

    notice, apps = make_notice(province)
    client.post(reverse("public:objection_form", args=[notice.pk]), objection_post(apps[0]))
    objection = Objection.objects.get()
    receipt_url = reverse("public:objection_receipt", args=[notice.pk, objection.receipt_number])
    stranger = Client()
    assert stranger.get(receipt_url).status_code == 404
    # A filer of another objection cannot read this one's receipt either.
    stranger.post(reverse("public:objection_form", args=[notice.pk]), objection_post(apps[1], name="李四"))
    assert stranger.get(receipt_url).status_code == 404
    assert client.get(receipt_url).status_code == 200


def test_filing_tells_the_provinces_staff_and_lists_it_on_their_home_page(province):
    notice, apps = make_notice(province)
    objection = file_objection(notice, apps[0])
    note = Notification.objects.get(recipient=province, title__startswith="新的异议")
    assert apps[0].cluster.name in note.title and objection.receipt_number in note.body
    assert note.url.startswith(reverse("public:notice_admin", args=[notice.pk]))
    assert OutboundEmail.objects.filter(to=province.email, notification=note).exists()
    items = [i for i in todos_for(province) if i.label == "待处理的异议"]
    assert items and items[0].count == 1
    services.objection_handle(objection=objection, actor=province, decision="dismiss", result="经核查不成立。")
    assert not [i for i in todos_for(province) if i.label == "待处理的异议"]


def test_handling_emails_the_result_to_an_objector_who_gave_an_email(province):
    notice, apps = make_notice(province)
    objection = file_objection(notice, apps[0], email="filer@example.cn")
    services.objection_handle(
        objection=objection, actor=province, decision="dismiss", result="经核查数据属实，异议不成立。"
    )
    mail = OutboundEmail.objects.filter(to="filer@example.cn").order_by("-id").first()
    assert objection.receipt_number in mail.subject and "经核查数据属实，异议不成立。" in mail.body
    assert "异议不成立" in mail.body
    objection.refresh_from_db()
    assert objection.result_channel == "email" and objection.result_told_at is not None


def test_a_phone_only_objector_is_told_by_phone_and_the_staff_record_it(client, province):
    notice, apps = make_notice(province)
    objection = file_objection(notice, apps[0], email="")
    services.objection_handle(objection=objection, actor=province, decision="dismiss", result="异议不成立。")
    assert not OutboundEmail.objects.filter(subject__contains=objection.receipt_number).exists()
    client.force_login(province)
    admin_url = reverse("public:notice_admin", args=[notice.pk])
    html = client.get(admin_url).content.decode()
    assert "须电话告知异议人处理结果" in html and "138****5678" in html
    response = client.post(reverse("public:objection_phoned", args=[objection.pk]), {"note": "已告知本人"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.result_channel == "phone" and objection.result_told_by == province
    html = client.get(admin_url).content.decode()
    assert "已电话告知处理结果" in html and "须电话告知异议人处理结果" not in html
    # Once is enough: a second record is refused.
    with pytest.raises(ServiceError):
        services.objection_result_phoned(objection=objection, actor=province)


def test_the_notice_list_counts_only_unhandled_objections(client, province):
    notice, apps = make_notice(province)
    first = file_objection(notice, apps[0])
    file_objection(notice, apps[1])
    services.objection_handle(objection=first, actor=province, decision="dismiss", result="不成立。")
    client.force_login(province)
    html = client.get(reverse("public:notice_manage") + f"?call={notice.call_id}").content.decode()
    pending = re.search(r'<td data-label="待处理异议">(.*?)</td>', html, re.S)
    assert pending and re.sub(r"<[^>]+>", "", pending.group(1)).strip() == "1"
    total = re.search(r'<td data-label="异议总数">(.*?)</td>', html, re.S)
    assert total and total.group(1).strip() == "2"


def test_unhandled_count_is_zero_when_every_objection_is_handled(client, province):
    notice, apps = make_notice(province)
    for app in apps:
        services.objection_handle(
            objection=file_objection(notice, app), actor=province, decision="dismiss", result="不成立。"
        )
    client.force_login(province)
    html = client.get(reverse("public:notice_manage") + f"?call={notice.call_id}").content.decode()
    pending = re.search(r'<td data-label="待处理异议">(.*?)</td>', html, re.S)
    assert pending and re.sub(r"<[^>]+>", "", pending.group(1)).strip() == "0"
