"""The reproducible spot-check draw and site checks with their files (`services.spot_checks`)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clusters.constants import ApplicationState as S
from clusters.tests.factories import tiny_pdf
from core.exceptions import ServiceError
from core.storage import private_storage
from reviews import services
from reviews.models import SiteCheck, StoredFile

pytestmark = pytest.mark.django_db


def test_same_seed_draws_the_same_sample(five_in_expert_review, province):
    call, apps = five_in_expert_review
    ids = sorted(a.pk for a in apps)
    assert services.draw_sample("20261126", ids, 2) == services.draw_sample("20261126", list(reversed(ids)), 2)
    draw = services.spot_check_draw(call=call, actor=province, seed="20261126", size=2)
    assert draw.candidates == ids and len(draw.drawn) == 2
    assert draw.drawn == services.draw_sample("20261126", ids, 2)
    assert services.spot_check_verify(draw)
    states = {a.pk: type(a).objects.get(pk=a.pk).state for a in apps}
    assert {pk for pk, st in states.items() if st == S.SITE_CHECK} == set(draw.drawn)
    assert all(st == S.JOINT_REVIEW for pk, st in states.items() if pk not in draw.drawn)
    draw.drawn = list(reversed(draw.drawn)) if draw.drawn[0] != draw.drawn[-1] else draw.drawn
    assert not services.spot_check_verify(draw) or len(set(draw.drawn)) == 1


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"seed": "abc", "size": 1}, "随机种子"),
        ({"seed": "0", "size": 1}, "随机种子"),
        ({"seed": "-5", "size": 1}, "随机种子"),
        ({"seed": "7", "size": 0}, "抽取数量"),
        ({"seed": "7", "size": "two"}, "抽取数量"),
        ({"seed": "7", "size": 6}, "超过候选"),
        ({"seed": "7", "fraction": "1.5"}, "比例"),
        ({"seed": "7"}, "请填写"),
    ],
)
def test_bad_draw_input_changes_nothing(five_in_expert_review, province, kwargs, fragment):
    call, apps = five_in_expert_review
    with pytest.raises(ServiceError, match=fragment):
        services.spot_check_draw(call=call, actor=province, **kwargs)
    assert {type(a).objects.get(pk=a.pk).state for a in apps} == {S.EXPERT_REVIEW}


def test_fraction_rounds_up(five_in_expert_review, province):
    call, _apps = five_in_expert_review
    draw = services.spot_check_draw(call=call, actor=province, seed="99", fraction="0.2")
    assert draw.sample_size == 1


def _drawn(call, apps, province):
    draw = services.spot_check_draw(call=call, actor=province, seed="42", size=1)
    return type(apps[0]).objects.get(pk=draw.drawn[0])


def _record(application, province, files):
    return services.site_check_record(
        application=application,
        actor=province,
        check_date=timezone.localdate(),
        inspectors="张三、李四",
        findings="与申报一致",
        result="pass",
        files=files,
    )


def _files_in_the_reviews_area():
    storage = private_storage()
    return storage.listdir("reviews")[1] if storage.exists("reviews") else []


def test_site_check_files_are_stored_under_random_names(five_in_expert_review, province):
    call, apps = five_in_expert_review
    check = _record(_drawn(call, apps, province), province, [SimpleUploadedFile("现场照片.pdf", tiny_pdf("a"))])
    stored = check.files.get()
    assert stored.original_name == "现场照片.pdf" and stored.file_type == "pdf" and stored.size == len(tiny_pdf("a"))
    assert stored.file.name.startswith("reviews/") and "现场照片" not in stored.file.name
    with stored.file.open("rb") as f:
        assert f.read() == tiny_pdf("a")


def test_a_refused_file_among_several_stores_nothing(five_in_expert_review, province):
    call, apps = five_in_expert_review
    drawn = _drawn(call, apps, province)
    files = [
        SimpleUploadedFile("现场照片.pdf", tiny_pdf()),
        SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00" + b"\x00" * 100),
    ]
    with pytest.raises(ServiceError, match="文件内容不是允许的类型"):
        _record(drawn, province, files)
    assert not SiteCheck.objects.exists() and not StoredFile.objects.exists()
    assert _files_in_the_reviews_area() == []
    drawn.refresh_from_db()
    assert drawn.state == S.SITE_CHECK


def test_a_check_refused_after_its_files_were_written_leaves_no_file(five_in_expert_review, province):
    call, apps = five_in_expert_review
    drawn = _drawn(call, apps, province)
    _record(drawn, province, [SimpleUploadedFile("第一次.pdf", tiny_pdf("1"))])
    kept = _files_in_the_reviews_area()
    assert len(kept) == 1
    drawn.refresh_from_db()  # now in joint review: a second record is refused when the application moves
    with pytest.raises(ServiceError):
        _record(drawn, province, [SimpleUploadedFile("第二次.pdf", tiny_pdf("2"))])
    assert _files_in_the_reviews_area() == kept and StoredFile.objects.count() == 1
