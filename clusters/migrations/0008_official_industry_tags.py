# Issue #11: the cluster form's tag lists hold the full lists Art. 6(1) refers to — Jiangsu's "1650" industrial
# system: the 16 advanced manufacturing clusters (16个先进制造业集群) and the 50 key industrial chains (50条重点产业链,
# from the province's 产业强链 action plan). Names are entered as the province publishes them; a name that differs
# from the official wording can be corrected by province staff in the admin (产业标签), without a code change.
# Tags that are not on these lists and that no cluster uses are deactivated (kept, so nothing is deleted).

from django.db import migrations

ADVANCED_CLUSTERS = [
    "新型电力（新能源）装备",
    "工程机械",
    "物联网",
    "高端纺织",
    "前沿新材料",
    "生物医药",
    "新型医疗器械",
    "集成电路",
    "海工装备和高技术船舶",
    "高端装备",
    "节能环保",
    "核心信息技术",
    "汽车及零部件（含新能源汽车）",
    "新型显示",
    "软件和信息服务",
    "绿色食品",
]

KEY_CHAINS = [
    "特高压设备",
    "智能电网",
    "光伏",
    "风电装备",
    "动力电池",
    "新型储能",
    "氢能",
    "起重机",
    "挖掘机",
    "高空作业机械",
    "物联网",
    "车联网",
    "智能传感器",
    "品牌服装",
    "高端家纺",
    "化纤新材料",
    "先进碳材料",
    "纳米新材料",
    "化工新材料",
    "特钢材料",
    "先进金属材料",
    "创新药",
    "生物制品",
    "现代中药",
    "高端医疗器械",
    "集成电路设计",
    "集成电路制造",
    "集成电路封装测试",
    "第三代半导体",
    "海洋工程装备",
    "高技术船舶",
    "船舶配套",
    "工业母机",
    "工业机器人",
    "轨道交通装备",
    "航空航天",
    "农机装备",
    "核心基础零部件",
    "节能环保装备",
    "光通信",
    "信息通信设备",
    "电子元器件",
    "工业软件",
    "信息技术应用创新",
    "人工智能",
    "新能源汽车",
    "汽车零部件",
    "智能网联汽车",
    "新型显示",
    "绿色食品",
]

LISTS = {"advanced_cluster": ADVANCED_CLUSTERS, "key_chain": KEY_CHAINS}


def forward(apps, schema_editor):
    IndustryTag = apps.get_model("clusters", "IndustryTag")
    try:  # the expert pool (reviews) may not be migrated yet; then no expert uses any tag
        ExpertProfile = apps.get_model("reviews", "ExpertProfile")
    except LookupError:
        ExpertProfile = None
    for kind, names in LISTS.items():
        for order, name in enumerate(names, start=1):
            tag, created = IndustryTag.objects.get_or_create(
                kind=kind, name=name, defaults={"order": order, "active": True}
            )
            if not created and (tag.order != order or not tag.active):
                tag.order, tag.active = order, True
                tag.save(update_fields=["order", "active"])
        others = IndustryTag.objects.filter(kind=kind, active=True).exclude(name__in=names)
        for tag in others:
            used_by_experts = ExpertProfile is not None and ExpertProfile.objects.filter(specialities=tag).exists()
            if not tag.clusters.exists() and not used_by_experts:
                tag.active = False
                tag.save(update_fields=["active"])


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0007_qualitative_conditions"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
