"""The joint review meeting pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clusters.constants import ApplicationState as S
from clusters.tests.factories import ClusterFactory, application_in_state, published_call, tiny_pdf
from reviews import services
from reviews.models import JointDecision, JointReview
from reviews.tests.factories import score_application
from reviews.tests.views.helpers import text_of

pytestmark = pytest.mark.django_db


def test_meeting_create_decide_close(client, province):
    call = published_call()
    apps = [
        application_in_state(S.EXPERT_REVIEW, call=call, cluster=ClusterFactory(name=f"会审集群{i}")) for i in range(3)
    ]
    for a, total in zip(apps, [90, 80, 70], strict=True):
        score_application(a, province, [total])
    services.spot_check_draw(call=call, actor=province, seed="1", fraction="0.1")
    for a in apps:
        a.refresh_from_db()
        if a.state == S.SITE_CHECK:
            services.site_check_record(
                application=a,
                actor=province,
                check_date=timezone.localdate(),
                inspectors="张三",
                findings="属实",
                result="pass",
            )
    best, middle, worst = apps
    client.force_login(province)

    url = reverse("reviews:meetings", args=[call.pk])
    response = client.post(url, {"meeting_date": "", "attendees": ""})
    assert response.status_code == 400 and "请填写会议日期" in text_of(response)
    response = client.post(
        url,
        {
            "meeting_date": str(timezone.localdate()),
            "attendees": "厅领导、处室负责人",
            "minutes": "研究拟认定名单",
            "files": [SimpleUploadedFile("纪要.pdf", tiny_pdf(), content_type="application/pdf")],
        },
    )
    assert response.status_code == 302
    meeting = JointReview.objects.get(call=call)
    assert meeting.files.count() == 1
    detail = reverse("reviews:meeting_detail", args=[meeting.pk])
    body = text_of(client.get(detail))
    assert all(a.cluster.name in body for a in apps) and "90.00" in body

    response = client.post(detail, {"action": "decide", "application": worst.pk, "decision": "reject", "reason": ""})
    assert response.status_code == 400 and "不予认定须写明理由" in text_of(response)
    response = client.post(detail, {"action": "close"})
    assert response.status_code == 400 and "尚未形成会审结论" in text_of(response)

    decide = {"action": "decide", "decision": "approve", "reason": ""}
    assert client.post(detail, {**decide, "application": middle.pk}).status_code == 302
    assert client.post(detail, {**decide, "application": worst.pk}).status_code == 302
    reject = {"action": "decide", "application": best.pk, "decision": "reject", "reason": "存在失信记录"}
    assert client.post(detail, reject).status_code == 302
    response = client.post(detail, {"action": "close"})  # the 3rd approved while the 1st is not: needs a reason
    assert response.status_code == 400 and "须写明理由" in text_of(response)
    because = {**decide, "application": worst.pk, "reason": "实地核查表现突出"}
    assert client.post(detail, because).status_code == 302
    assert client.post(detail, {"action": "close"}).status_code == 302

    meeting.refresh_from_db()
    assert meeting.status == "closed"
    best.refresh_from_db()
    assert best.state == S.REJECTED
    assert JointDecision.objects.get(meeting=meeting, application=worst).rank_raw == 3
    body = text_of(client.get(detail))
    assert "拟认定名单（2 个）" in body and "实地核查表现突出" in body and "存在失信记录" in body
    response = client.post(detail, {**decide, "application": middle.pk})
    assert response.status_code == 400 and "会审已结束" in text_of(response)
