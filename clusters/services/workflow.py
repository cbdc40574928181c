"""An application's way through the review workflow: the applicant submits (or withdraws) here, and every
other tier moves it through `application_transition`, a thin wrapper over `core.transitions.transition()`."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.selectors import authority_users_for_division
from clusters import eligibility, permissions
from clusters.constants import DECLARATIONS, ApplicationState
from clusters.models import Application, ApplicationVersion
from clusters.selectors import application_with_sections, evaluate_application, snapshot, valid_certifications
from core import transitions
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.services import enqueue, notify

from .clusters import certified_refusal

S = ApplicationState


def notify_transition_once(*, application, log):
    """Tell the people concerned that the application moved into the logged row's state.

    Runs inside the transition's transaction (the outbox delivers the e-mails after commit), so a broker outage
    never loses a notification. The state comes from the log row."""
    state = log.to_state
    label = S(state).label
    url = reverse("clusters:application_detail", args=[application.pk])
    name = str(application)

    deadline = timezone.localtime(application.call.city_deadline)
    deadline_text = f"{deadline.year}年{deadline.month}月{deadline.day}日 {deadline:%H:%M}"
    if state in (S.COUNTY_REVIEW, S.CITY_REVIEW):
        role = Role.COUNTY if state == S.COUNTY_REVIEW else Role.CITY
        recipients = list(authority_users_for_division(application.cluster.division, role))
        notify(
            recipients=recipients,
            title=f"待审核：{name}",
            body=f"{name} 已进入{label}环节，请在设区市推荐截止（{deadline_text}）前办理。",
            url=reverse("reviews:review", args=[application.pk]),
        )
    elif state == S.FORMAL_REVIEW:
        recipients = list(authority_users_for_division(application.cluster.division, Role.PROVINCE))
        notify(
            recipients=recipients,
            title=f"待形式审查：{name}",
            body=f"{name} 已由设区市推荐，请进行形式审查。",
            url=reverse("reviews:review", args=[application.pk]),
        )
    owner_users = [
        u for u in application.applicant.users.filter(is_active=True, role=Role.APPLICANT) if u.pk != log.actor_id
    ]
    if owner_users:
        # What happened, what to do next, by when, and the page to do it on.
        title, body, link = f"申报进度：{name} {label}", f"您的申报已进入“{label}”环节。", url
        if state == S.DRAFT and application.return_reason:
            title = f"申报被退回修改：{name}"
            body = (
                f"您的申报已被退回修改。退回原因：{application.return_reason}。"
                f"请按逐条意见修改后，在 {deadline_text} 前重新提交。"
            )
            link = reverse("clusters:application_edit", args=[application.pk, "basic"])
        elif state == S.CERTIFIED:
            title = f"已认定：{name}"
            body = "您的集群已被认定为江苏省中小企业特色产业集群，可查看并下载认定证书。每年3月31日前请报送上年度发展报告。"
            link = reverse("public:registry_cluster", args=[application.cluster_id])
        elif state == S.REJECTED:
            title = f"未通过认定：{name}"
            reason = (log.comment or "").strip()
            body = f"您的申报未通过本批次认定。{'原因：' + reason + '。' if reason else ''}"
        notify(recipients=owner_users, title=title, body=body, url=link)


def application_transition_check(*, application, actor, verb: str, expected_state: str | None = None) -> None:
    """The checks `application_transition` makes on the locked row, made early (unlocked) so that a caller who
    may not act, or acts on a stale state, learns that before being asked to fix the form: 409, then 403."""
    allowed = [expected_state] if isinstance(expected_state, str) else list(expected_state or [])
    # Read afresh: the caller's instance may be older than the row.
    application = Application.objects.select_related("call", "cluster__division").get(pk=application.pk)
    if allowed and application.state not in allowed:
        raise Conflict(f"该申报的状态已变为“{application.get_state_display()}”，您的操作未执行。请刷新页面。")
    if not getattr(permissions, f"can_{verb}_application")(actor, application):
        raise NotAllowed("您无权执行此操作，或申报当前环节不允许此操作。")


def application_transition(
    *,
    application,
    actor,
    verb: str,
    method: str,
    comment: str = "",
    expected_state: str | None = None,
    before=None,
    after=None,
    freeze=False,
    **kwargs,
) -> Application:
    """An application's transition through the core transition service, with its predicate
    (`permissions.can_<verb>_application`) and the notifications of the people concerned. `freeze(locked)`
    names the record the transition freezes (the submitted version, a review opinion)."""
    predicate = getattr(permissions, f"can_{verb}_application")
    if method == "return_to_applicant" and not (kwargs.get("reason") or "").strip():
        # The applicant must learn what to change; an empty return would leave them guessing.
        raise ServiceError("请填写退回原因。", errors={"reason": ["请填写退回原因。"]})
    return transitions.transition(
        application,
        method,
        actor=actor,
        permission=predicate,
        expected_state=expected_state,
        comment=comment,
        args=kwargs,
        queryset=Application.objects.select_related("call", "cluster__division"),
        before=before,
        after=(lambda locked, _row: after(locked)) if after else None,
        freeze=freeze,
        notify=lambda locked, row: notify_transition_once(application=locked, log=row),
    )


def submission_blockers(application) -> list[str]:
    """What prevents submission outright (as opposed to failed rules, which need explanations)."""
    blockers = []
    call = application.call
    now = timezone.now()
    if application.submission_count == 0:
        if not call.is_open(now):
            if now < call.opens_at:
                blockers.append(
                    f"申报尚未开始（{timezone.localtime(call.opens_at):%Y-%m-%d %H:%M} 开始），可先保存草稿。"
                )
            else:
                blockers.append(f"申报已于 {timezone.localtime(call.closes_at):%Y-%m-%d %H:%M} 截止。")
    elif now > call.city_deadline:
        blockers.append(
            f"已超过设区市推荐截止时间（{timezone.localtime(call.city_deadline):%Y-%m-%d %H:%M}），不能再次提交。"
        )
    if not application.cluster.division.may_host_cluster:
        blockers.append(f"{application.cluster.division.full_name}不能作为集群所在地。")
    refusal = certified_refusal(
        valid_certifications(
            cluster=application.cluster,
            division=application.cluster.division,
            management_body=application.management_body or application.cluster.management_body,
            credit_code=application.management_body_credit_code,
        ).exclude(application_id=application.pk)
    )
    if refusal:
        blockers.append(refusal)
    if not (application.contact_name and application.contact_phone):
        blockers.append("请在“基本信息”中填写联系人和联系电话。")
    for field, key, label in DECLARATIONS:
        value = getattr(application, field)
        if value is None:
            blockers.append(f"请在“承诺声明”中声明：{label}。")
        elif value is False:
            # Art. 7 is absolute: the situation excludes the cluster, whatever explanation is given.
            blockers.append(
                f"已声明存在《管理办法》第七条所列情形：{eligibility.DECLARATION_LABELS[key]}。"
                "存在该情形的不予认定，不能提交申报。"
            )
    attachments = getattr(application, "active_attachments", None)
    if attachments is None:
        attachments = list(application.attachments.filter(removed_at__isnull=True))
    have = {a.requirement_id for a in attachments}
    for req in application.call.requirements.all():
        if req.required and req.pk not in have:
            blockers.append(f"缺少申报材料：{req.name}。")
    return blockers


def application_submit(*, application, actor, comment: str = "", explanations: dict | None = None) -> Application:
    """Freeze a version of everything and send the application to county review."""
    explanations = {k: (v or "").strip() for k, v in (explanations or {}).items()}
    with transaction.atomic():
        # Lock first, then read: every edit takes the same row lock, so what is checked, evaluated and frozen
        # below is exactly what is submitted, even if the applicant saves in another tab meanwhile.
        list(Application.objects.select_for_update().filter(pk=application.pk).values_list("pk", flat=True))
        full = application_with_sections(application.pk)
        if not permissions.can_submit_application(actor, full):
            if permissions.owns(actor, full):
                raise Conflict("申报当前不是草稿，不能提交。请刷新页面。")
            raise NotAllowed("您无权提交该申报。")
        blockers = submission_blockers(full)
        if blockers:
            raise ServiceError("暂不能提交：" + "；".join(blockers), errors={"__all__": blockers})
        results = evaluate_application(full)
        failed = eligibility.failed_hard(results)
        missing = [r for r in failed if not explanations.get(r.code)]
        if missing:
            raise ServiceError(
                "以下条件未达标，提交前请逐条说明理由：" + "、".join(f"{r.code} {r.title}" for r in missing),
                errors={f"explain_{r.code}": ["请说明未达标的原因。"] for r in missing},
            )
        kept = {r.code: explanations[r.code] for r in failed}
        data = snapshot(full)

        def freeze(locked):
            locked.failed_rule_explanations = kept
            number = locked.versions.count() + 1
            version = ApplicationVersion.objects.create(
                application=locked,
                number=number,
                created_by=actor,
                snapshot=data,
                eligibility=[r.to_dict() for r in results],
                explanations=kept,
            )
            enqueue("clusters.tasks.render_application_pdf", version.pk)

        return application_transition(
            application=application,
            actor=actor,
            verb="submit",
            method="submit",
            comment=comment,
            expected_state=S.DRAFT,
            before=freeze,
            freeze=lambda locked: locked.versions.order_by("-number").first(),
        )


def application_withdraw(*, application, actor, comment: str = "") -> Application:
    return application_transition(
        application=application, actor=actor, verb="withdraw", method="withdraw", comment=comment
    )
