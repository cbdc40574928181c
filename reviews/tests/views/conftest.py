import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clusters.constants import ApplicationState as S
from clusters.tests.factories import ClusterFactory, application_in_state, published_call, tiny_pdf
from reviews import services
from reviews.tests.factories import score_application


@pytest.fixture
def decision_world(province):
    """A call with one scored application still in expert review, one drawn for a site check (with a recorded
    check and a file) and an open meeting."""
    call = published_call()
    scored = application_in_state(S.EXPERT_REVIEW, call=call, cluster=ClusterFactory(name="已评分集群"))
    sheet = score_application(scored, province, [80])[0]
    checked = application_in_state(S.EXPERT_REVIEW, call=call, cluster=ClusterFactory(name="抽查集群"))
    score_application(checked, province, [70])
    draw = services.spot_check_draw(call=call, actor=province, seed="7", size=2)
    assert set(draw.drawn) == {scored.pk, checked.pk}
    check = services.site_check_record(
        application=checked,
        actor=province,
        check_date=timezone.localdate(),
        inspectors="张三",
        findings="属实",
        result="pass",
        files=[SimpleUploadedFile("照片.pdf", tiny_pdf(), content_type="application/pdf")],
    )
    meeting = services.meeting_create(call=call, actor=province, meeting_date=timezone.localdate(), attendees="厅领导")
    return {
        "call": call,
        "app": scored,
        "sheet": sheet,
        "meeting": meeting,
        "check_app": checked,
        "stored": check.files.get(),
    }
