"""办件进度: where an application stands, in plain words, computed from its transition log."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from clusters.constants import ApplicationState
from core.transitions import history_for

S = ApplicationState

STAGE_TEXT = {
    S.COUNTY_REVIEW: ("县级中小企业主管部门正在审核", "审核通过后报送设区市主管部门初审"),
    S.CITY_REVIEW: ("设区市中小企业主管部门正在初审", "初审通过后由设区市出具推荐文件报送省工业和信息化厅"),
    S.FORMAL_REVIEW: ("省工业和信息化厅正在进行形式审查", "形式审查通过后组织专家评审"),
    S.EXPERT_REVIEW: ("省工业和信息化厅正在组织专家评审", "评审后进行实地抽查（如被抽中）和会审报批"),
    S.SITE_CHECK: ("已被抽中实地抽查，正在核查", "核查后进入会审报批"),
    S.JOINT_REVIEW: ("省工业和信息化厅正在会审报批", "会审通过后在省厅网站公示5个工作日"),
    S.PUBLIC_NOTICE: ("拟认定名单正在公示", "公示期满无异议后公布认定名单"),
    S.CERTIFIED: ("已认定为江苏省中小企业特色产业集群", "请于每年3月底前报送上年度发展报告"),
    S.REJECTED: ("未通过本批次认定", "本批次办理结束"),
    S.WITHDRAWN: ("申报已撤回", "本批次办理结束"),
}


@dataclass
class Progress:
    stage: str
    since: datetime
    next_step: str
    deadline: datetime | None
    deadline_label: str
    review_time: timedelta
    returned_time: timedelta
    returned: bool
    return_reason: str


def application_progress(application, now=None) -> Progress:
    now = now or timezone.now()
    call = application.call
    review_time = timedelta()
    returned_time = timedelta()
    rows = list(history_for(application))
    # Walk the intervals between transitions; time in draft after the first submission counts as returned time.
    submitted_once = False
    for row, nxt in zip(rows, [*rows[1:], None], strict=True):
        end = nxt.created_at if nxt else now
        if row.to_state == S.DRAFT:
            if submitted_once:
                returned_time += end - row.created_at
        elif row.to_state in STAGE_TEXT and row.to_state not in (S.CERTIFIED, S.REJECTED, S.WITHDRAWN):
            submitted_once = True
            review_time += end - row.created_at
    returned = application.state == S.DRAFT and application.submission_count > 0
    deadline, deadline_label = None, ""
    if application.state == S.DRAFT:
        if returned:
            stage = "已退回，请按意见修改后重新提交"
            next_step = "重新提交后再次进入县级审核"
            deadline, deadline_label = call.city_deadline, "重新提交截止（设区市推荐截止）"
        else:
            stage = "草稿，尚未提交"
            next_step = "填写完整后提交县级主管部门审核"
            deadline, deadline_label = call.closes_at, "申报截止"
    else:
        stage, next_step = STAGE_TEXT[S(application.state)]
        if application.state in (S.COUNTY_REVIEW, S.CITY_REVIEW):
            deadline, deadline_label = call.city_deadline, "设区市推荐截止"
    return Progress(
        stage=stage,
        since=application.state_changed_at,
        next_step=next_step,
        deadline=deadline,
        deadline_label=deadline_label,
        review_time=review_time,
        returned_time=returned_time,
        returned=returned,
        return_reason=application.return_reason,
    )


def format_duration(td: timedelta) -> str:
    return f"{td.total_seconds() / 86400:.1f} 天"
