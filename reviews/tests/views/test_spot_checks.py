"""The spot-check draw page, the site check page and the stored files' download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clusters.constants import ApplicationState as S
from clusters.tests.factories import tiny_pdf
from reviews import services
from reviews.models import SiteCheck, SpotCheckDraw
from reviews.tests.views.helpers import text_of

pytestmark = pytest.mark.django_db


def test_spot_check_draw_and_verify(client, province, five_in_expert_review):
    call, apps = five_in_expert_review
    client.force_login(province)
    url = reverse("reviews:spot_check", args=[call.pk])
    body = text_of(client.get(url))
    assert f'value="{timezone.localdate():%Y%m%d}"' in body and all(a.cluster.name in body for a in apps)
    response = client.post(url, {"action": "draw", "seed": "20261126", "size": "2"})
    assert response.status_code == 302
    draw = SpotCheckDraw.objects.get(call=call)
    assert draw.seed == "20261126" and len(draw.drawn) == 2
    states = {a.pk: type(a).objects.get(pk=a.pk).state for a in apps}
    assert {pk for pk, st in states.items() if st == S.SITE_CHECK} == set(draw.drawn)
    assert all(st == S.JOINT_REVIEW for pk, st in states.items() if pk not in draw.drawn)
    body = text_of(client.get(url))
    assert draw.algorithm in body and "20261126" in body
    for pk in draw.drawn:
        assert reverse("reviews:site_check", args=[pk]) in body
    response = client.post(url, {"action": "verify", "draw": draw.pk}, follow=True)
    assert "重新抽取验证：一致" in text_of(response)


@pytest.mark.parametrize("seed", ["abc", "0", "-3", ""])
def test_bad_seed_is_refused_and_nothing_changes(client, province, five_in_expert_review, seed):
    call, apps = five_in_expert_review
    client.force_login(province)
    response = client.post(reverse("reviews:spot_check", args=[call.pk]), {"action": "draw", "seed": seed, "size": "1"})
    assert response.status_code == 400
    assert "随机种子" in text_of(response)
    assert not SpotCheckDraw.objects.exists()
    assert {type(a).objects.get(pk=a.pk).state for a in apps} == {S.EXPERT_REVIEW}


def test_draw_larger_than_the_candidates_shows_the_services_message(client, province, five_in_expert_review):
    call, _apps = five_in_expert_review
    client.force_login(province)
    response = client.post(reverse("reviews:spot_check", args=[call.pk]), {"action": "draw", "seed": "9", "size": "9"})
    assert response.status_code == 400 and "超过候选申报数" in text_of(response)
    assert not SpotCheckDraw.objects.exists()


def test_site_check_with_an_uploaded_pdf(client, province, five_in_expert_review):
    call, _apps = five_in_expert_review
    draw = services.spot_check_draw(call=call, actor=province, seed="42", size=1)
    drawn = type(_apps[0]).objects.get(pk=draw.drawn[0])
    client.force_login(province)
    url = reverse("reviews:site_check", args=[drawn.pk])
    response = client.post(url, {"check_date": str(timezone.localdate()), "inspectors": "", "result": "pass"})
    assert response.status_code == 400 and "请填写核查人员" in text_of(response)
    files = [
        SimpleUploadedFile("现场照片.pdf", tiny_pdf("a"), content_type="application/pdf"),
        SimpleUploadedFile("核查表.pdf", tiny_pdf("b"), content_type="application/pdf"),
    ]
    response = client.post(
        url,
        {
            "check_date": str(timezone.localdate()),
            "inspectors": "张三、李四",
            "findings": "产值数据与统计部门一致",
            "result": "pass",
            "files": files,
        },
    )
    assert response.status_code == 302
    check = SiteCheck.objects.get(application=drawn)
    assert check.files.count() == 2
    drawn.refresh_from_db()
    assert drawn.state == S.JOINT_REVIEW
    body = text_of(client.get(url))
    stored = check.files.get(original_name="现场照片.pdf")
    assert "现场照片.pdf" in body and reverse("reviews:stored_file", args=[stored.pk]) in body
    download = client.get(reverse("reviews:stored_file", args=[stored.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # a second record is refused: the application has left the site check
    response = client.post(
        url, {"check_date": str(timezone.localdate()), "inspectors": "王五", "findings": "再查", "result": "fail"}
    )
    assert response.status_code == 400 and SiteCheck.objects.filter(application=drawn).count() == 1


def test_site_check_of_an_application_never_drawn_is_404(client, province, app):
    client.force_login(province)
    assert client.get(reverse("reviews:site_check", args=[app.pk])).status_code == 404
