from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Division
from clusters.models import Application, Call
from core.models import FrozenMixin

from .constants import (
    AssignmentStatus,
    CheckResult,
    ConflictStatus,
    Decision,
    JointDecisionChoice,
    MeetingStatus,
    NoticeStatus,
    ObjectionStatus,
    Recommend,
    RecommendationStatus,
    SheetStatus,
    Tier,
)


class ReviewOpinion(FrozenMixin, models.Model):
    """One reviewer's opinion at one tier: per Art. 6 condition agree/disagree with a comment, and a decision.
    Written by the transition it decides and never changed afterwards."""

    FROZEN_FIELDS = (
        "application",
        "tier",
        "reviewer",
        "version_number",
        "conditions",
        "checklist",
        "decision",
        "comment",
    )

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("申报")
    )
    tier = models.CharField(_("审核环节"), max_length=10, choices=Tier.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("审核人")
    )
    version_number = models.PositiveIntegerField(_("审核的版本"))
    conditions = models.JSONField(_("逐条意见"), default=dict)  # rule code -> {"agree": bool, "comment": str}
    checklist = models.JSONField(_("形式审查清单"), default=dict, blank=True)  # check key -> bool
    decision = models.CharField(_("结论"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")

    def __str__(self):
        return f"{self.application_id} {self.get_tier_display()} {self.get_decision_display()}"


class Recommendation(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """A city's recommendation document (推荐文件) for one call: 文号, date and the recommended applications."""

    FROZEN_FIELDS = ("call", "city", "doc_number", "doc_date", "title", "body", "created_by")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="recommendations", verbose_name=_("申报批次"))
    city = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("设区市"),
        limit_choices_to={"level": "city"},
    )
    doc_number = models.CharField(_("文号"), max_length=60)
    doc_date = models.DateField(_("成文日期"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    applications = models.ManyToManyField(Application, related_name="recommendations", verbose_name=_("推荐的申报"))
    status = FSMField(
        _("状态"), default=RecommendationStatus.DRAFT, choices=RecommendationStatus.choices, protected=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    pdf_name = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["city", "doc_number"], name="uniq_recommendation_doc_number")]
        verbose_name = _("推荐文件")
        verbose_name_plural = _("推荐文件")

    def __str__(self):
        return f"{self.city.name} {self.doc_number}"

    def is_frozen(self) -> bool:
        return self.status == RecommendationStatus.SUBMITTED

    def frozen_extra(self) -> dict:
        return {"applications": sorted(self.applications.values_list("pk", flat=True))}

    @transition(field=status, source=RecommendationStatus.DRAFT, target=RecommendationStatus.SUBMITTED)
    def submit(self):
        from django.utils import timezone

        self.submitted_at = timezone.now()


class ExpertProfile(models.Model):
    """A member of the province's expert pool; the user account has role expert."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_profile", verbose_name=_("专家账号")
    )
    city = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在设区市"),
        limit_choices_to={"level": "city"},
    )
    title = models.CharField(_("职称/职务"), max_length=100, blank=True)
    specialities = models.ManyToManyField(
        "clusters.IndustryTag", blank=True, related_name="experts", verbose_name=_("专业领域")
    )
    keywords = models.CharField(
        _("专业关键词"), max_length=300, blank=True, help_text=_("以顿号或逗号分隔，如：集成电路、新材料")
    )
    active = models.BooleanField(_("启用"), default=True)
    max_assignments = models.PositiveSmallIntegerField(_("每批次评审上限"), default=20)

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("评审专家")
        verbose_name_plural = _("专家库")

    def __str__(self):
        return str(self.user)

    def keyword_list(self):
        import re

        return [k for k in re.split(r"[、,，;；\s]+", self.keywords) if k]


class ExpertConflict(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """A conflict of interest the expert declared, with a cluster or an organisation."""

    FROZEN_FIELDS = ("expert", "cluster", "organisation", "credit_code", "reason")

    expert = models.ForeignKey(
        ExpertProfile, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("专家")
    )
    cluster = models.ForeignKey(
        "clusters.Cluster", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("集群")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("机构"),
    )
    credit_code = models.CharField(_("企业统一社会信用代码"), max_length=18, blank=True)
    reason = models.CharField(_("说明"), max_length=300)
    declared_at = models.DateTimeField(_("声明时间"), auto_now_add=True)
    status = FSMField(_("状态"), default=ConflictStatus.ACTIVE, choices=ConflictStatus.choices, protected=True)
    # Withdrawn, never deleted: past assignment refusals must stay explicable.
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("利益冲突声明")
        verbose_name_plural = _("利益冲突声明")

    def __str__(self):
        return self.reason

    @transition(field=status, source=ConflictStatus.ACTIVE, target=ConflictStatus.WITHDRAWN)
    def withdraw(self, by=None):
        from django.utils import timezone

        self.withdrawn_at = timezone.now()
        self.withdrawn_by = by


class Assignment(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """An expert assigned to score one application; the object permission is granted when the expert declares
    no conflict of interest, and withdrawn when the assignment ends."""

    FROZEN_FIELDS = ("application", "expert", "method", "assigned_by", "no_conflict_declared_at")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("申报")
    )
    expert = models.ForeignKey(
        ExpertProfile, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("专家")
    )
    status = FSMField(_("状态"), default=AssignmentStatus.ACTIVE, choices=AssignmentStatus.choices, protected=True)
    method = models.CharField(_("方式"), max_length=10, choices=[("manual", _("人工指定")), ("auto", _("系统分配"))])
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("分配人")
    )
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    no_conflict_declared_at = models.DateTimeField(_("无利益冲突声明时间"), null=True, blank=True)

    class Meta:
        ordering = ["application_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"], condition=models.Q(status="active"), name="one_active_assignment"
            )
        ]
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")

    def __str__(self):
        return f"{self.expert} → {self.application_id}"

    def is_frozen(self) -> bool:
        return self.no_conflict_declared_at is not None or self.status != AssignmentStatus.ACTIVE

    @transition(field=status, source=AssignmentStatus.ACTIVE, target=AssignmentStatus.ACTIVE)
    def declare_no_conflict(self):
        """The expert states there is no conflict of interest; the application opens to them only now."""
        from django.utils import timezone

        self.no_conflict_declared_at = timezone.now()

    @transition(field=status, source=AssignmentStatus.ACTIVE, target=AssignmentStatus.REVOKED)
    def revoke(self, by=None):
        """The province ends the assignment (a reason is logged), or the expert declares a conflict."""
        from django.utils import timezone

        self.revoked_by = by
        self.revoked_at = timezone.now()


class ScoreSheet(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """One expert's scores for one application against the call's rubric; read-only once submitted."""

    FROZEN_FIELDS = (
        "assignment",
        "scores",
        "comments",
        "recommendation",
        "overall_comment",
        "weighted_total",
        "submitted_at",
    )

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="sheet")
    status = FSMField(_("状态"), default=SheetStatus.DRAFT, choices=SheetStatus.choices, protected=True)
    scores = models.JSONField(_("各项得分"), default=dict, blank=True)  # criterion id (str) -> points (str decimal)
    comments = models.JSONField(_("各项评语"), default=dict, blank=True)
    recommendation = models.CharField(_("总体意见"), max_length=12, choices=Recommend.choices, blank=True)
    overall_comment = models.TextField(_("总体评语"), blank=True)
    weighted_total = models.DecimalField(_("加权总分"), max_digits=7, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")

    def __str__(self):
        return f"{self.assignment}"

    def is_frozen(self) -> bool:
        return self.status == SheetStatus.SUBMITTED

    @transition(field=status, source=SheetStatus.DRAFT, target=SheetStatus.SUBMITTED)
    def submit(self):
        from django.utils import timezone

        self.submitted_at = timezone.now()


class SpotCheckDraw(FrozenMixin, models.Model):
    """A reproducible random sample: anyone can recompute it from the seed and the ordered candidate list."""

    FROZEN_FIELDS = ("call", "seed", "sample_size", "candidates", "drawn", "algorithm", "drawn_by")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="draws", verbose_name=_("申报批次"))
    seed = models.CharField(_("随机种子"), max_length=64)
    sample_size = models.PositiveIntegerField(_("抽取数量"))
    candidates = models.JSONField(_("候选名单（按编号排序）"))
    drawn = models.JSONField(_("抽中名单"))
    algorithm = models.CharField(_("算法"), max_length=200)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("抽取人")
    )
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    class Meta:
        ordering = ["-drawn_at"]
        verbose_name = _("实地抽查抽样")
        verbose_name_plural = _("实地抽查抽样")

    def __str__(self):
        return f"{self.call.year} seed={self.seed}"


class SiteCheck(FrozenMixin, models.Model):
    FROZEN_FIELDS = ("application", "draw", "check_date", "inspectors", "findings", "result", "recorded_by")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="site_checks", verbose_name=_("申报")
    )
    draw = models.ForeignKey(SpotCheckDraw, on_delete=models.PROTECT, related_name="checks")
    check_date = models.DateField(_("核查日期"))
    inspectors = models.CharField(_("核查人员"), max_length=300)
    findings = models.TextField(_("核查情况"))
    result = models.CharField(_("核查结论"), max_length=10, choices=CheckResult.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("实地核查记录")
        verbose_name_plural = _("实地核查记录")

    def __str__(self):
        return f"{self.application_id} {self.get_result_display()}"


class StoredFile(models.Model):
    """Photos and documents attached to a site check or a meeting, stored under random names."""

    site_check = models.ForeignKey(SiteCheck, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    meeting = models.ForeignKey("JointReview", on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    original_name = models.CharField(_("原文件名"), max_length=255)
    stored_name = models.CharField(max_length=64, unique=True)
    file_type = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.original_name


class JointReview(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """The joint review meeting (会审报批): one decision per application, producing the proposed list."""

    FROZEN_FIELDS = ("call", "meeting_date", "attendees", "minutes", "created_by")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("申报批次"))
    meeting_date = models.DateField(_("会议日期"))
    attendees = models.TextField(_("参会人员"))
    minutes = models.TextField(_("会议纪要摘要"), blank=True)
    status = FSMField(_("状态"), default=MeetingStatus.OPEN, choices=MeetingStatus.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-meeting_date"]
        verbose_name = _("会审会议")
        verbose_name_plural = _("会审会议")

    def __str__(self):
        return f"{self.call.year}年度会审（{self.meeting_date}）"

    def is_frozen(self) -> bool:
        return self.status == MeetingStatus.CLOSED

    def frozen_extra(self) -> dict:
        return {
            "decisions": [
                [d.application_id, d.decision, d.reason, d.rank_raw, d.rank_normalised]
                for d in self.decisions.order_by("application_id")
            ]
        }

    @transition(field=status, source=MeetingStatus.OPEN, target=MeetingStatus.CLOSED)
    def close(self):
        from django.utils import timezone

        self.closed_at = timezone.now()


class JointDecision(FrozenMixin, models.Model):
    """One application's decision in a meeting; changeable while the meeting is open, frozen once it closes."""

    FROZEN_FIELDS = ("meeting", "application", "decision", "reason", "rank_raw", "rank_normalised")

    meeting = models.ForeignKey(JointReview, on_delete=models.CASCADE, related_name="decisions")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="joint_decisions")
    decision = models.CharField(_("会审结论"), max_length=10, choices=JointDecisionChoice.choices)
    reason = models.TextField(_("理由"), blank=True)
    rank_raw = models.PositiveIntegerField(_("原始分排名"), null=True, blank=True)
    rank_normalised = models.PositiveIntegerField(_("标准化排名"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "application"], name="one_decision_per_application")]
        verbose_name = _("会审结论")
        verbose_name_plural = _("会审结论")

    def __str__(self):
        return f"{self.application_id} {self.get_decision_display()}"

    def is_frozen(self) -> bool:
        return JointReview.objects.filter(pk=self.meeting_id, status=MeetingStatus.CLOSED).exists()


class Notice(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """The public notice (公示) of the proposed list: 5 working days (Art. 10)."""

    FROZEN_FIELDS = (
        "call",
        "title",
        "body",
        "start_date",
        "end_date",
        "contact_department",
        "contact_phone",
        "contact_email",
        "contact_address",
    )

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="notices", verbose_name=_("申报批次"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    start_date = models.DateField(_("公示开始日期"))
    end_date = models.DateField(_("公示截止日期"))
    contact_department = models.CharField(_("异议受理部门"), max_length=100)
    contact_phone = models.CharField(_("联系电话"), max_length=50)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    contact_address = models.CharField(_("通信地址"), max_length=200, blank=True)
    applications = models.ManyToManyField(Application, related_name="notices", verbose_name=_("公示的申报"))
    status = FSMField(_("状态"), default=NoticeStatus.DRAFT, choices=NoticeStatus.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("截止处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("公示")
        verbose_name_plural = _("公示")

    def __str__(self):
        return self.title

    def is_frozen(self) -> bool:
        return self.status != NoticeStatus.DRAFT

    def frozen_extra(self) -> dict:
        return {"applications": sorted(self.applications.values_list("pk", flat=True))}

    @transition(field=status, source=NoticeStatus.DRAFT, target=NoticeStatus.PUBLISHED)
    def publish(self):
        from django.utils import timezone

        self.published_at = timezone.now()

    @transition(field=status, source=NoticeStatus.PUBLISHED, target=NoticeStatus.CLOSED)
    def close(self):
        from django.utils import timezone

        self.closed_at = timezone.now()

    @transition(field=status, source=NoticeStatus.CLOSED, target=NoticeStatus.CONCLUDED)
    def conclude(self):
        pass

    @property
    def deadline(self):
        from core.workdays import deadline_end_of_day

        return deadline_end_of_day(self.end_date)

    @property
    def opens(self):
        import datetime
        from zoneinfo import ZoneInfo

        return datetime.datetime.combine(self.start_date, datetime.time.min, tzinfo=ZoneInfo("Asia/Shanghai"))

    def accepting_objections(self, at=None) -> bool:
        from django.utils import timezone

        at = at or timezone.now()
        return self.status == NoticeStatus.PUBLISHED and self.opens <= at <= self.deadline


class Objection(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """An objection (异议) to one listed cluster; the filer's name and contact are personal information (kept
    out of the frozen content: they are anonymised after the retention period)."""

    FROZEN_FIELDS = ("notice", "application", "receipt_number", "content")

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections", verbose_name=_("公示"))
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="objections", verbose_name=_("异议对象")
    )
    receipt_number = models.CharField(_("受理编号"), max_length=30, unique=True)
    name = models.CharField(_("姓名或单位"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    content = models.TextField(_("异议内容"))
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    status = FSMField(_("状态"), default=ObjectionStatus.RECEIVED, choices=ObjectionStatus.choices, protected=True)
    result = models.TextField(_("处理结果"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("异议")
        verbose_name_plural = _("异议")

    def __str__(self):
        return self.receipt_number

    def frozen_field_names(self) -> tuple[str, ...]:
        if self.status == ObjectionStatus.RECEIVED:
            return self.FROZEN_FIELDS
        return (*self.FROZEN_FIELDS, "result", "handled_by", "handled_at")

    @transition(field=status, source=ObjectionStatus.RECEIVED, target=ObjectionStatus.UPHELD)
    def uphold(self):
        pass

    @transition(field=status, source=ObjectionStatus.RECEIVED, target=ObjectionStatus.DISMISSED)
    def dismiss(self):
        pass


class ObjectionFile(models.Model):
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="files")
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=64, unique=True)
    file_type = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()

    def __str__(self):
        return self.original_name


class PersonalDataView(models.Model):
    """Each time a staff member saw an objection filer's name and contact in full."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="pii_views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-viewed_at"]
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")

    def __str__(self):
        return f"{self.viewer_id} {self.viewed_at:%Y-%m-%d %H:%M}"


class Publication(FrozenMixin, models.Model):
    """The published list of certified clusters (公布名单)."""

    FROZEN_FIELDS = ("call", "notice", "title", "doc_number", "publish_date", "created_by")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="publications", verbose_name=_("申报批次"))
    notice = models.OneToOneField(Notice, on_delete=models.PROTECT, related_name="publication", verbose_name=_("公示"))
    title = models.CharField(_("标题"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=60, unique=True)
    publish_date = models.DateField(_("公布日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-publish_date"]
        verbose_name = _("认定名单公布")
        verbose_name_plural = _("认定名单公布")

    def __str__(self):
        return self.title
