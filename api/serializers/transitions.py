"""The transition endpoint: one named transition per request, through the service the web page uses."""

from rest_framework import serializers

from clusters import eligibility
from clusters.constants import ApplicationState
from clusters.selectors import CONDITION_CODES
from reviews.constants import FORMAL_CHECKS

from .applications import HistoryRowSerializer
from .common import StrictSerializer

# name → (label, the fields it accepts besides "transition")
API_TRANSITIONS = {
    "submit": ("提交申报", {"comment", "confirm", "explanations", "expected_state"}),
    "withdraw": ("撤回申报", {"comment", "expected_state"}),
    "county_pass": ("县级审核通过", {"comment", "conditions", "agree_all", "expected_state"}),
    "formal_pass": ("形式审查通过", {"comment", "conditions", "agree_all", "checklist", "expected_state"}),
    "return": ("退回修改", {"comment", "conditions", "agree_all", "expected_state"}),
    "reject": ("不予推荐 / 未通过", {"comment", "conditions", "agree_all", "expected_state"}),
}
# Transitions that exist only as multi-object steps of the web pages (url name, how to find it).
WEB_ONLY = {
    "recommend": "设区市以推荐文件（行文）推荐申报，请在网页“推荐文件”中办理",
    "start_site_check": "实地抽查由省工业和信息化厅在网页“省级评审 → 实地抽查”中随机抽取",
    "to_joint_review": "会审由省工业和信息化厅在网页“省级评审 → 会审”中办理",
    "approve": "拟认定名单由省工业和信息化厅在网页“省级评审 → 会审”中形成",
    "certify": "认定名单由省工业和信息化厅在网页“公示与名单管理”中公布",
}
ALL_NAMES = [*API_TRANSITIONS, *WEB_ONLY]
CHECK_KEYS = [key for key, _label in FORMAL_CHECKS]


class ConditionSerializer(StrictSerializer):
    agree = serializers.BooleanField(allow_null=True, help_text="是否同意该条件的自评结果；null = 未表态")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class TransitionInputSerializer(StrictSerializer):
    transition = serializers.ChoiceField(
        choices=ALL_NAMES,
        error_messages={"invalid_choice": "未知的操作“{input}”。可选：" + "、".join(ALL_NAMES) + "。"},
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        help_text="意见 / 理由（退回、不予推荐、撤回时必填）",
    )
    expected_state = serializers.ChoiceField(
        choices=ApplicationState.values, required=False, help_text="调用方读到的状态；已变化则 409"
    )
    confirm = serializers.BooleanField(
        required=False, help_text="submit：承诺所填报内容真实、准确、完整（必须为 true）"
    )
    explanations = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        required=False,
        help_text="submit：未达标硬性条件的说明，键为条件编号（如 2a）",
    )
    conditions = serializers.DictField(
        child=ConditionSerializer(), required=False, help_text="审核意见：按条件编号逐条同意或不同意（附理由）"
    )
    agree_all = serializers.BooleanField(
        required=False,
        default=False,
        help_text="全部同意：对 conditions 中未列出的每个条件表示同意（通过时每个条件都须表态）",
    )
    checklist = serializers.DictField(
        child=serializers.BooleanField(),
        required=False,
        help_text="formal_pass：形式审查清单，键为 " + "、".join(CHECK_KEYS) + "，须全部为 true",
    )

    def validate(self, attrs):
        name = attrs["transition"]
        accepted = API_TRANSITIONS.get(name, ("", set()))[1]
        extra = sorted(k for k in self.initial_data if k != "transition" and k not in accepted)
        if name in API_TRANSITIONS and extra:
            raise serializers.ValidationError({k: [f"操作 {name} 不接受该字段。"] for k in extra})
        errors = {}
        for key, codes in (("conditions", CONDITION_CODES), ("explanations", eligibility.RULE_CODES)):
            unknown = sorted(set(attrs.get(key, {})) - set(codes))
            if unknown:
                errors[key] = [f"未知的条件编号：{'、'.join(unknown)}。"]
        unknown_checks = sorted(set(attrs.get("checklist", {})) - set(CHECK_KEYS))
        if unknown_checks:
            errors["checklist"] = [f"未知的清单项：{'、'.join(unknown_checks)}。"]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class AvailableTransitionSerializer(serializers.Serializer):
    transition = serializers.CharField()
    label = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())


class WebOnlyTransitionSerializer(serializers.Serializer):
    transition = serializers.CharField()
    where = serializers.CharField()


class TransitionOptionsSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    available = AvailableTransitionSerializer(many=True, help_text="调用方当前可执行的操作")
    web_only = WebOnlyTransitionSerializer(many=True, help_text="只能在网页办理的操作")


class TransitionResultSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    transition = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    edit_version = serializers.IntegerField()
    log = HistoryRowSerializer(help_text="本次操作写入的流转记录")
