from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from clusters.models import Certification, Cluster, PlanTarget, YearData
from core.models import FrozenMixin
from core.storage import AreaUploadTo, private_storage
from monitoring.constants import EDITABLE_REREVIEW_STATES, REVIEW_REREVIEW_STATES, ReReviewState, ReReviewTier

S = ReReviewState
T = ReReviewTier
TIER_STATES = {
    T.COUNTY: S.COUNTY_REVIEW,
    T.CITY: S.CITY_REVIEW,
    T.EXPERT: S.EXPERT_REVIEW,
    T.PROVINCE: S.PROVINCE_REVIEW,
}
STATE_TIERS = {state: tier for tier, state in TIER_STATES.items()}
DEFAULT_ROUTE = [T.COUNTY, T.CITY, T.PROVINCE]

# Art. 6 inputs besides the year figures, as counts (the application's roster and lists, summed up).
COUNT_FIELDS = [
    "champion_giant",
    "specialised_hightech",
    "sharing_initiatives",
    "provincial_platforms",
    "standards",
    "pilot_projects",
    "international_activities",
]
PCT_FIELDS = ["cloud_share_pct", "platform_penetration_pct"]
GREEN_FIELDS = ["energy_intensive", "energy_above_benchmark", "water_intensive", "water_above_benchmark"]
DECLARATION_FIELDS = ["decl_prohibited_industry", "decl_major_accident", "decl_cyber_incident", "decl_tax_dishonesty"]
TEXT_FIELDS = ["management_body", "service_system", "summary", "explanation"]


def _may(verb):
    """A transition's `permission=`: which buttons the UI shows. The services are the gate."""

    def check(instance, user):
        from monitoring import permissions

        return getattr(permissions, f"can_{verb}_rereview")(user, instance)

    check.__name__ = f"can_{verb}_rereview"
    return check


def _count(label):
    return models.PositiveIntegerField(label, null=True, blank=True, validators=[MaxValueValidator(100000)])


def _pct(label):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )


class ReReview(FrozenMixin, ConcurrentTransitionMixin, models.Model):
    """A certified cluster's re-review (复核, Art. 11) at the end of one validity: current Art. 6 figures and the
    three-year plan's targets against what was reported. It goes through the tiers its year's policy sets
    (`route`, fixed at the first submission); the province passes (the same certification is renewed for three
    years) or fails it (ground (1) of Art. 14). Frozen while under review or decided; each submission is kept
    whole as a ReReviewVersion."""

    FROZEN_FIELDS = (
        "certification",
        "cluster",
        "valid_to",
        "year",
        *COUNT_FIELDS,
        *PCT_FIELDS,
        *GREEN_FIELDS,
        *DECLARATION_FIELDS,
        *TEXT_FIELDS,
        "decision_reason",
        "successor_regulation",
        "renewal_number",
        "renewed_until",
    )

    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="rereviews", verbose_name=_("认定")
    )
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="rereviews", verbose_name=_("集群"))
    valid_to = models.DateField(_("本期有效期至"))
    year = models.PositiveIntegerField(_("复核年度"))
    state = FSMField(_("状态"), default=S.DRAFT, choices=S.choices, protected=True, db_index=True)
    state_changed_at = models.DateTimeField(_("进入当前状态时间"), default=timezone.now)
    edit_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报人")
    )
    route = models.JSONField(_("审核环节"), default=list, blank=True)

    champion_giant = _count(_("主导产业单项冠军、专精特新“小巨人”企业数（家）"))
    specialised_hightech = _count(_("专精特新中小企业、高新技术企业数（家）"))
    sharing_initiatives = _count(_("制造资源共享工作（项）"))
    provincial_platforms = _count(_("省级及以上创新平台（个）"))
    standards = _count(_("参与制定国家标准、行业标准（项）"))
    pilot_projects = _count(_("省级以上智能制造、工业互联网试点示范项目（个）"))
    international_activities = _count(_("国际合作交流活动（项）"))
    cloud_share_pct = _pct(_("企业上云或上标识比例（%）"))
    platform_penetration_pct = _pct(_("工业互联网平台应用普及率（%）"))
    energy_intensive = models.BooleanField(_("属于高耗能行业"), default=False)
    energy_above_benchmark = models.BooleanField(_("能效水平高于行业基准值"), null=True, blank=True)
    water_intensive = models.BooleanField(_("属于高耗水行业"), default=False)
    water_above_benchmark = models.BooleanField(_("用水效率高于行业基准值"), null=True, blank=True)
    management_body = models.CharField(_("运营管理机构名称"), max_length=200, blank=True)
    service_system = models.TextField(_("中小企业公共服务体系"), blank=True)
    decl_prohibited_industry = models.BooleanField(_("产业政策"), null=True, blank=True)
    decl_major_accident = models.BooleanField(_("安全质量环境事故"), null=True, blank=True)
    decl_cyber_incident = models.BooleanField(_("网络与数据安全事件"), null=True, blank=True)
    decl_tax_dishonesty = models.BooleanField(_("违法失信"), null=True, blank=True)
    summary = models.TextField(_("三年发展规划完成情况总结"), blank=True)
    explanation = models.TextField(_("未达标情况说明"), blank=True)
    eligibility = models.JSONField(_("认定条件核验结果"), default=list, blank=True)

    submission_count = models.PositiveIntegerField(_("提交次数"), default=0)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("最近提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(_("复核结论"), blank=True)
    successor_regulation = models.CharField(_("所依据的后续办法"), max_length=200, blank=True)
    # A passed re-review: the certificate's "-F<n>" and the new end of validity.
    renewal_number = models.PositiveSmallIntegerField(_("复核通过次数"), null=True, blank=True)
    renewed_until = models.DateField(_("延长后有效期至"), null=True, blank=True)
    certificate_pdf = models.FileField(
        storage=private_storage, upload_to=AreaUploadTo("certificates"), max_length=200, blank=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One re-review per certification and end of validity: a second one while one is open, or a new one
            # after a failed one, is refused by the database too.
            models.UniqueConstraint(fields=["certification", "valid_to"], name="uniq_rereview_per_validity")
        ]
        verbose_name = _("复核申请")
        verbose_name_plural = _("复核申请")

    def __str__(self):
        return f"{self.cluster.name}复核（有效期至{self.valid_to:%Y-%m-%d}）"

    def is_frozen(self) -> bool:
        return self.state not in EDITABLE_REREVIEW_STATES

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_REREVIEW_STATES

    @property
    def is_under_review(self) -> bool:
        return self.state in REVIEW_REREVIEW_STATES

    @property
    def data_years(self) -> list[int]:
        """Y-4 .. Y-1 of the re-review's year, as an application's (growth needs the base year)."""
        return [self.year - 4, self.year - 3, self.year - 2, self.year - 1]

    def tier(self):
        return STATE_TIERS.get(self.state)

    def next_state(self, tier=None) -> str:
        """The state after `tier` (None: after the cluster's submission) along the route."""
        route = list(self.route or DEFAULT_ROUTE)
        if T.PROVINCE not in route:
            route.append(T.PROVINCE)
        index = route.index(tier) + 1 if tier in route else 0
        return TIER_STATES[route[index]]

    def declarations(self) -> dict:
        return {
            "prohibited_industry": self.decl_prohibited_industry,
            "major_accident": self.decl_major_accident,
            "cyber_incident": self.decl_cyber_incident,
            "tax_dishonesty": self.decl_tax_dishonesty,
        }

    # --- the state machine (fields in memory only; services save, log and notify) ---

    @transition(
        field=state,
        source=EDITABLE_REREVIEW_STATES,
        target=RETURN_VALUE(S.COUNTY_REVIEW, S.CITY_REVIEW, S.EXPERT_REVIEW, S.PROVINCE_REVIEW),
        permission=_may("submit"),
    )
    def submit(self, by=None, route=None):
        now = timezone.now()
        if not self.submission_count:
            self.route = list(route or DEFAULT_ROUTE)
        self.submission_count += 1
        self.submitted_at = now
        self.first_submitted_at = self.first_submitted_at or now
        self.submitted_by = by
        self.return_reason = ""
        return self.next_state(None)

    @transition(
        field=state,
        source=[S.COUNTY_REVIEW, S.CITY_REVIEW, S.EXPERT_REVIEW],
        target=RETURN_VALUE(S.CITY_REVIEW, S.EXPERT_REVIEW, S.PROVINCE_REVIEW),
        permission=_may("forward"),
    )
    def forward(self):
        """The county's or city's opinion (or the experts' conclusion) is recorded; on to the next tier."""
        return self.next_state(self.tier())

    @transition(field=state, source=REVIEW_REREVIEW_STATES, target=S.RETURNED, permission=_may("return"))
    def return_to_cluster(self, reason: str = ""):
        self.return_reason = reason
        self.returned_at = timezone.now()

    @transition(field=state, source=S.PROVINCE_REVIEW, target=S.PASSED, permission=_may("decide"))
    def approve(self, by=None, reason: str = "", successor: str = ""):
        self.decided_at = timezone.now()
        self.decided_by = by
        self.decision_reason = reason
        self.successor_regulation = successor

    @transition(field=state, source=S.PROVINCE_REVIEW, target=S.FAILED, permission=_may("decide"))
    def reject(self, by=None, reason: str = "", successor: str = ""):
        self.decided_at = timezone.now()
        self.decided_by = by
        self.decision_reason = reason
        self.successor_regulation = successor


class ReReviewYear(models.Model):
    """One year of the re-review's Art. 6 figures (the application's indicator table), prefilled from the annual
    reports (or the certified application) and corrected by the cluster."""

    rereview = models.ForeignKey(ReReview, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveIntegerField(_("年份"))
    total_output = YearData._meta.get_field("total_output").clone()
    sme_output = YearData._meta.get_field("sme_output").clone()
    lead_output = YearData._meta.get_field("lead_output").clone()
    sme_rnd = YearData._meta.get_field("sme_rnd").clone()
    invention_patents = YearData._meta.get_field("invention_patents").clone()
    employees = YearData._meta.get_field("employees").clone()
    co2_intensity = YearData._meta.get_field("co2_intensity").clone()
    source = models.CharField(_("预填来源"), max_length=20, blank=True)

    class Meta:
        ordering = ["rereview_id", "year"]
        constraints = [models.UniqueConstraint(fields=["rereview", "year"], name="uniq_rereview_year")]
        verbose_name = _("复核年度数据")
        verbose_name_plural = _("复核年度数据")

    def __str__(self):
        return f"{self.rereview_id} {self.year}"


class ReReviewTarget(models.Model):
    """One target of the three-year plan being assessed: copied from the certified application's plan (or entered
    by the cluster for a certification imported without one), with the values the annual reports gave for each
    plan year and the cluster's current value."""

    rereview = models.ForeignKey(ReReview, on_delete=models.CASCADE, related_name="targets")
    plan_target = models.ForeignKey(PlanTarget, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    indicator = models.CharField(_("指标"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20)
    baseline = models.DecimalField(_("基期值"), max_digits=16, decimal_places=2)
    target_1 = models.DecimalField(_("第一年目标"), max_digits=16, decimal_places=2, null=True, blank=True)
    target_2 = models.DecimalField(_("第二年目标"), max_digits=16, decimal_places=2, null=True, blank=True)
    target_3 = models.DecimalField(_("期末目标"), max_digits=16, decimal_places=2)
    # {"2025": "800000.00", ...}: the annual reports' actual values, by reported year (plan years 1–3).
    reported = models.JSONField(_("年度报告填报值"), default=dict, blank=True)
    actual = models.DecimalField(_("期末实际值"), max_digits=16, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["rereview_id", "id"]
        verbose_name = _("复核规划目标")
        verbose_name_plural = _("复核规划目标")

    def __str__(self):
        return self.indicator


class ReReviewOpinion(FrozenMixin, models.Model):
    """A tier's opinion on a re-review (county, city, experts) or the province's decision; frozen by the
    transition that records it."""

    FROZEN_FIELDS = ("rereview", "tier", "agree", "text", "experts", "author", "created_at")

    rereview = models.ForeignKey(ReReview, on_delete=models.CASCADE, related_name="opinions")
    tier = models.CharField(_("环节"), max_length=20, choices=ReReviewTier.choices)
    agree = models.BooleanField(_("同意通过复核"), null=True)
    text = models.TextField(_("意见"))
    experts = models.CharField(_("评审专家"), max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["rereview_id", "created_at", "id"]
        verbose_name = _("复核意见")
        verbose_name_plural = _("复核意见")

    def __str__(self):
        return f"{self.rereview_id} {self.get_tier_display()}"


class ReReviewVersion(FrozenMixin, models.Model):
    """Everything one submission of a re-review contained (figures, eligibility, targets), frozen."""

    FROZEN_FIELDS = ("rereview", "number", "created_at", "created_by", "snapshot")

    rereview = models.ForeignKey(ReReview, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(_("复核申请内容"))

    class Meta:
        ordering = ["rereview_id", "number"]
        constraints = [models.UniqueConstraint(fields=["rereview", "number"], name="uniq_rereview_version_number")]
        verbose_name = _("复核申请版本")
        verbose_name_plural = _("复核申请版本")

    def __str__(self):
        return f"{self.rereview_id} v{self.number}"
