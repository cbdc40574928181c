"""The real half of `seed_scale`: applications built and moved through the workflow by the portal's own services,
as the users entitled to act, so their transition log, frozen records and notifications are what the workflow
makes. One of them is the template of the bulk copies (bulk.py)."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from .bulk import credit_code

TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PASSING_YEARS = {  # offset from the call year: total, SME, lead, R&D, patents, employees, CO2 intensity
    -4: ("500000", "400000", "380000", "10000", 1000, 100000, "0.50"),
    -3: ("560000", "450000", "430000", "11500", 1200, 100000, "0.48"),
    -2: ("620000", "500000", "480000", "13000", 1400, 100000, "0.46"),
    -1: ("700000", "560000", "560000", "15000", 1600, 100000, "0.44"),
}


class Real:
    """The real services, as the users entitled to act."""

    def __init__(self, base, rng):
        self.base, self.rng, self.seq, self.load = base, rng, 0, {}

    def applicant(self, app):
        return self.base.applicant_users[app.applicant_id][0]

    def create_call(self, year):
        from clusters import services

        now = timezone.now()
        call = services.call_create(
            actor=self.base.province,
            year=year,
            title=f"{year}年度江苏省中小企业特色产业集群申报",
            opens_at=now - dt.timedelta(days=20),
            closes_at=now + dt.timedelta(days=30),
            city_deadline=now + dt.timedelta(days=45),
            notice_text="请各设区市组织申报（基准数据）。",
        )
        return services.call_publish(call=call, actor=self.base.province, comment="基准数据")

    def new_application(self, call, roster=15):
        from clusters import services
        from clusters.constants import ListKind, PlatformLevel

        orgs = self.base.applicant_orgs
        org = orgs[(len(orgs) - 1 - self.seq * 7) % len(orgs)]
        self.seq += 1
        actor = self.base.applicant_users[org.pk][0]
        cluster = services.cluster_register(
            actor=actor,
            name=f"{org.division.name}真实流程集群{self.seq}",
            division=org.division,
            lead_industry="高端装备",
            segment="精密零部件",
            area_km2=Decimal("50"),
            management_body=f"{org.name}运营管理办公室",
            tags=self.base.tags[:1],
        )
        app = services.application_create(actor=actor, cluster=cluster, call=call)
        data = {
            "contact_name": "张三", "contact_phone": "13812345678", "contact_email": "zhangsan@bench.local",
            "summary": "集群以高端装备为主导产业，配套完善。", "cloud_share_pct": Decimal("35"),
            "platform_penetration_pct": Decimal("25"), "digital_notes": "推进智能化改造。",
            "energy_intensive": False, "water_intensive": False, "green_notes": "建立绿色低碳服务机制。",
            "management_body": cluster.management_body, "service_system": "建有中小企业公共服务平台。",
            "promotion_mechanism": "定期召开集群发展联席会议。", "plan_summary": "三年内产值翻番。",
            "decl_prohibited_industry": True, "decl_major_accident": True, "decl_cyber_incident": True,
            "decl_tax_dishonesty": True,
        }  # fmt: skip
        app = services.application_update(application=app, actor=actor, version=app.edit_version, data=data)
        rows = {
            call.year + k: dict(
                zip(("total_output", "sme_output", "lead_output", "sme_rnd"), map(Decimal, v[:4]), strict=True)
            )
            | {"invention_patents": v[4], "employees": v[5], "co2_intensity": Decimal(v[6])}
            for k, v in PASSING_YEARS.items()
        }
        app = services.year_data_update(application=app, actor=actor, version=app.edit_version, rows=rows)
        for _i in range(roster):
            self.seq += 1
            services.enterprise_add(
                application=app,
                actor=actor,
                name=f"真实流程企业{self.seq}有限公司",
                credit_code=credit_code("91", org.division_id, 900_000_000 + self.seq),
                in_lead_industry=True,
                specialised_cert=f"ZJTX-R{self.seq}",
                employees=100,
            )
        items = [(ListKind.PLATFORM, f"省级工程技术研究中心{i}", PlatformLevel.PROVINCIAL) for i in range(5)]
        items += [(ListKind.STANDARD, f"行业标准{i}", PlatformLevel.INDUSTRY) for i in range(3)]
        items += [(ListKind.SHARING, "共享工厂", ""), (ListKind.PILOT, "智能制造示范工厂", PlatformLevel.PROVINCIAL)]
        items += [(ListKind.INTERNATIONAL, "中德产业合作论坛", "")]
        for kind, name, level in items:
            services.list_item_add(application=app, actor=actor, kind=kind, name=name, level=level)
        services.plan_target_add(
            application=app,
            actor=actor,
            indicator="集群总产值",
            unit="万元",
            baseline=Decimal("700000"),
            target_1=Decimal("800000"),
            target_2=Decimal("900000"),
            target_3=Decimal("1000000"),
        )
        for req in call.requirements.filter(required=True):
            upload = SimpleUploadedFile(f"{req.name}.pdf", TINY_PDF, content_type="application/pdf")
            services.attachment_upload(application=app, actor=actor, uploaded_file=upload, requirement=req)
        upload = SimpleUploadedFile("三年发展规划.pdf", TINY_PDF, content_type="application/pdf")
        services.attachment_upload(application=app, actor=actor, uploaded_file=upload, purpose="plan")
        return app

    def submit(self, app):
        from clusters import services

        return services.application_submit(application=app, actor=self.applicant(app), comment="提交申报")

    def decide(self, app, tier, decision, comment):
        from reviews import services
        from reviews.constants import FORMAL_CHECKS

        if tier == "formal":
            actor = self.base.province
        else:
            actor = self.base.county_users[app.cluster.division_id][0]
        return services.review_decide(
            application=app,
            actor=actor,
            tier=tier,
            decision=decision,
            comment=comment,
            agree_all=decision == "pass",
            checklist={k: True for k, _l in FORMAL_CHECKS} if tier == "formal" else None,
        )

    def recommend(self, call, apps):
        from reviews import services

        by_city = {}
        for app in apps:
            by_city.setdefault(app.cluster.division.parent_id, []).append(app)
        for code, city_apps in sorted(by_city.items()):
            self.seq += 1
            services.recommendation_submit(
                call=call,
                actor=self.base.city_users[code][0],
                doc_number=f"工信推〔{call.year}〕真实{self.seq}号",
                doc_date=timezone.localdate(),
                application_ids=[a.pk for a in city_apps],
            )

    def score(self, app, submitted=5):
        from reviews import services

        city = app.cluster.division.parent_id
        experts = sorted(
            (e for e in self.base.experts if e.city_id != city), key=lambda e: (self.load.get(e.pk, 0), e.pk)
        )
        rubric = list(app.call.rubric.all())
        level = self.rng.uniform(60, 95)
        for i, expert in enumerate(experts[:5]):
            self.load[expert.pk] = self.load.get(expert.pk, 0) + 1
            a = services.expert_assign(application=app, expert=expert, actor=self.base.province)
            services.declare_no_conflict(assignment=a, actor=expert.user)
            pct = Decimal(str(min(100.0, level + self.rng.uniform(-8, 8))))
            scores = {str(c.pk): str(round(c.max_points * pct / 100, 1)) for c in rubric}
            sheet = services.scoresheet_save(
                sheet=a.sheet,
                actor=expert.user,
                scores=scores,
                recommendation="recommend",
                overall_comment="材料翔实。",
            )
            if i < submitted:
                services.scoresheet_submit(sheet=sheet, actor=expert.user)

    def to_proposed_list(self, call, apps, *, site_check=0, joint=0):
        """Formal pass and scoring; the draw sends the undrawn to joint review; a meeting approves everything in
        joint review and the notice publishes the list. Of the drawn, `site_check` stay there and `joint` are
        checked after the meeting (they wait in joint review); the others are checked before it."""
        from clusters.constants import ApplicationState as S
        from clusters.models import Application
        from reviews import services

        apps = [self.decide(a, "formal", "pass", "形式审查通过") for a in apps]
        for app in apps:
            self.score(app)
        seed = str(self.rng.randint(1, 10**6))
        draw = services.spot_check_draw(call=call, actor=self.base.province, seed=seed, size=site_check + joint or 1)
        drawn = [a for a in apps if a.pk in draw.drawn]
        self.site_checks(drawn[site_check + joint :])
        waiting = list(Application.objects.filter(call=call, state=S.JOINT_REVIEW).order_by("pk"))
        province = self.base.province
        meeting = services.meeting_create(
            call=call, actor=province, meeting_date=timezone.localdate(), attendees="厅务会成员"
        )
        for app in waiting:
            services.meeting_decide(
                meeting=meeting, application=app, actor=province, decision="approve", reason="会审认为符合认定条件。"
            )
        services.meeting_close(meeting=meeting, actor=province)
        notice = services.notice_create(
            call=call,
            actor=province,
            start_date=timezone.localdate(),
            contact_department="中小企业处",
            contact_phone="025-83300000",
        )
        notice = services.notice_publish(notice=notice, actor=province)
        self.site_checks(drawn[site_check : site_check + joint])
        return notice

    def site_checks(self, apps):
        from reviews import services

        for app in apps:
            app.refresh_from_db()
            services.site_check_record(
                application=app,
                actor=self.base.province,
                check_date=timezone.localdate(),
                inspectors="省厅核查组",
                findings="情况属实。",
                result="pass",
            )
