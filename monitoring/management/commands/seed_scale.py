"""National-scale data for the benchmarks (issue #17): `python manage.py seed_scale --factor 1`.

A representative subset goes through the real services (every state of the current call, a certified subset of
last year's call reached by publication, annual reports and city submissions), so the transition log, the FSM
invariants and the frozen records are what the workflow makes. The volume is bulk copies of one of those
applications (scripts/bench/bulk*.py) in every state with the log rows of the path each took. Lives in the top app
because it touches every app below it; refuses production settings and a database it did not seed.
"""

import contextlib
import datetime as dt
import random
import time
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

# Tables a reset keeps: the migrations' own data (divisions, content types, permissions).
KEEP_TABLES = {"django_migrations", "accounts_division", "django_content_type", "auth_permission"}


def refuse_production():
    module = getattr(settings, "SETTINGS_MODULE", "") or ""
    if "production" in module:
        raise CommandError(f"seed_scale 拒绝在生产配置（{module}）下运行：它会写入数万条基准数据。")


def seeded_state() -> tuple[str, str]:
    """("empty" | "seeded" | "incomplete" | "foreign", the factor it was seeded with)."""
    from accounts.models import User
    from clusters.models import Cluster
    from scripts.bench import plan

    marker = User.objects.filter(username=plan.MARKER_USERNAME).first()
    if marker is not None:
        return ("seeded" if marker.last_name == "complete" else "incomplete"), marker.first_name
    if Cluster.objects.exists() or User.objects.exists():
        return "foreign", ""
    return "empty", ""


def reset_database():
    """Empty every table but the migrations' own data (as `flush` does, keeping divisions and permissions)."""
    name = str(connection.settings_dict.get("NAME", ""))
    if connection.vendor != "sqlite" and "bench" not in name and not name.startswith("test"):
        raise CommandError(f"--reset 只用于基准或测试数据库（名称含 bench），当前数据库为 {name}。")
    tables = [t for t in connection.introspection.django_table_names(only_existing=True) if t not in KEEP_TABLES]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    if connection.vendor == "postgresql":
        # Inside a transaction (a test) deferred foreign-key checks may still be pending: TRUNCATE refuses then.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    connection.ops.execute_sql_flush(statements)


@contextlib.contextmanager
def quiet_tasks():
    """Nothing is queued while seeding: PDFs render on demand, e-mails stay in the outbox."""
    from celery import current_app

    old = current_app.conf.broker_url, current_app.conf.task_always_eager
    current_app.conf.broker_url, current_app.conf.task_always_eager = "memory://", False
    try:
        yield
    finally:
        current_app.conf.broker_url, current_app.conf.task_always_eager = old


def clock(year: int, month: int = 3, day: int = 3):
    """The portal's clock set to a moment of an earlier call's season (time-machine, the project's one tool)."""
    import time_machine

    when = timezone.make_aware(dt.datetime(year, month, day, 10, 0))
    return time_machine.travel(when, tick=True)


class Command(BaseCommand):
    help = "生成全省规模的基准数据（issue #17）：--factor 1 为 5000 个集群和申报；--factor 0.1 为十分之一。"

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=float, default=1.0)
        parser.add_argument("--reset", action="store_true", help="清空数据库（保留区划）后重新生成")
        parser.add_argument("--real-per-state", type=int, default=None, help="每个状态经真实服务生成的申报数")
        parser.add_argument("--rng-seed", type=int, default=2026)
        parser.add_argument("--big-roster", type=int, default=300, help="名册行数最多的真实申报（PDF 计时用）")

    def handle(self, *args, factor, reset, real_per_state, rng_seed, big_roster, **options):
        refuse_production()
        if not 0 < factor <= 2:
            raise CommandError("--factor 应在 0 与 2 之间。")
        state, seeded_factor = seeded_state()
        if reset and state != "empty":
            reset_database()
            self.stdout.write("已清空数据库（保留行政区划）。")
        elif state == "seeded" and float(seeded_factor) == factor:
            self.stdout.write(self.style.SUCCESS(f"数据库已有 factor={seeded_factor} 的基准数据，未重复生成。"))
            return
        elif state == "seeded":
            raise CommandError(f"数据库已有 factor={seeded_factor} 的基准数据；要改为 factor={factor}，请加 --reset。")
        elif state == "incomplete":
            raise CommandError("数据库中有一次未完成的基准数据生成；请加 --reset 重新生成。")
        elif state == "foreign":
            raise CommandError("数据库中已有不是 seed_scale 生成的数据；请使用空的基准数据库（或加 --reset 清空）。")
        k = max(1, real_per_state if real_per_state is not None else (2 if factor >= 0.1 else 1))
        started = time.monotonic()
        with quiet_tasks():
            timings = self._seed(factor, k, random.Random(rng_seed), big_roster)
        total = time.monotonic() - started
        if connection.vendor == "postgresql":
            # Fresh planner statistics, as autovacuum would gather on a live database: the bulk inserts above
            # leave the tables looking nearly empty, and plans chosen for empty tables are not what users meet.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self._summary(factor, timings, total)

    def _step(self, timings, name, started):
        timings.append((name, time.monotonic() - started))
        self.stdout.write(f"  {name}：{timings[-1][1]:.1f} 秒")

    def _seed(self, factor, k, rng, big_roster):
        from scripts.bench import bulk, bulk_monitoring, bulk_reviews
        from scripts.bench.real import Real

        timings, t = [], time.monotonic()
        year = timezone.localdate().year
        base = bulk.make_base(factor=factor, year=year, out=self.stdout.write)
        self._step(timings, "账号与专家库", t)
        t = time.monotonic()
        real = Real(base, rng)
        calls = {}
        for back in (3, 2, 1):
            with clock(year - back):
                calls[year - back] = real.create_call(year - back)
        calls[year] = real.create_call(year)
        template = self._real_current(real, calls[year], k, big_roster)
        self._step(timings, f"真实服务：本年度各状态各 {k} 个", t)
        t = time.monotonic()
        certified = self._real_certified(real, calls[year - 1], k)
        self._step(timings, f"真实服务：{year - 1} 年度认定 {len(certified)} 个", t)
        t = time.monotonic()
        copier = bulk.Copier(base=base, template=bulk.Template.load(template), rng=rng)

        def travel(call_year):
            if call_year == year:
                return contextlib.nullcontext(timezone.now())
            return _clock_now(call_year)

        with transaction.atomic():
            bulk_reviews.seed_applications(
                base=base, copier=copier, calls=calls, factor=factor, rng=rng, travel=travel, out=self.stdout.write
            )
        self._step(timings, "批量申报与评审数据", t)
        t = time.monotonic()
        self._real_monitoring(real, certified)
        with transaction.atomic():
            try:
                bulk_monitoring.seed_reports(base=base, rng=rng, out=self.stdout.write)
            except Exception as exc:  # noqa: BLE001 - monitoring's models are being reshaped: say what was skipped
                self.stderr.write(f"  年度发展报告批量数据跳过：{exc.__class__.__name__}: {exc}")
        self._real_city_submissions(base, year - 1)
        self._step(timings, "年度监测数据", t)
        from accounts.models import User
        from scripts.bench import plan

        User.objects.filter(username=plan.MARKER_USERNAME).update(first_name=str(factor), last_name="complete")
        return timings

    def _real_current(self, real, call, k, big_roster):
        """k applications in each state of the current call, through the services; returns the template."""
        from clusters import services
        from clusters.constants import ApplicationState as S

        big = real.submit(real.new_application(call, roster=big_roster))  # the 300-row application for the PDF timings
        apps = {s: [real.new_application(call) for _i in range(k)] for s in S if s != S.CERTIFIED}
        for app in apps[S.WITHDRAWN]:
            services.application_withdraw(application=app, actor=real.applicant(app), comment="撤回（基准数据）")
        later = [s for s in S if s not in (S.DRAFT, S.WITHDRAWN, S.CERTIFIED)]
        apps.update({s: [real.submit(a) for a in apps[s]] for s in later})
        for app in apps[S.REJECTED]:
            real.decide(app, "county", "reject", "主导产业占比不足，不予推荐。")
        beyond_county = [s for s in later if s not in (S.COUNTY_REVIEW, S.REJECTED)]
        passed = {s: [real.decide(a, "county", "pass", "同意推荐") for a in apps[s]] for s in beyond_county}
        real.recommend(call, [a for s in beyond_county if s != S.CITY_REVIEW for a in passed[s]])
        try:
            real.to_proposed_list(
                call,
                [a for s in (S.SITE_CHECK, S.JOINT_REVIEW, S.PUBLIC_NOTICE) for a in passed[s]],
                site_check=k,
                joint=k,
            )
        except Exception as exc:  # noqa: BLE001 - e.g. a notice period in a year the holiday calendar lacks
            self.stderr.write(f"  本年度公示环节未经真实服务生成：{exc}")
        for i, app in enumerate(passed[S.EXPERT_REVIEW]):
            real.score(real.decide(app, "formal", "pass", "形式审查通过"), submitted=3 if i % 2 else 5)
        del big
        return apps[S.COUNTY_REVIEW][0]

    def _real_certified(self, real, call, k):
        """k + 1 applications of last year's call taken to certification by the publication service."""
        from reviews import services

        with clock(call.year):
            apps = [real.submit(real.new_application(call)) for _i in range(k + 1)]
            apps = [real.decide(a, "county", "pass", "同意推荐") for a in apps]
            real.recommend(call, apps)
            notice = real.to_proposed_list(call, apps)
        publish = notice.end_date + dt.timedelta(days=3)
        with clock(publish.year, publish.month, publish.day):
            services.publication_create(
                notice=notice,
                actor=real.base.province,
                doc_number=f"苏工信中小〔{call.year}〕真实1号",
                publish_date=publish,
            )
        from clusters.models import Certification

        return list(Certification.objects.filter(call=call).select_related("cluster", "application"))

    def _real_monitoring(self, real, certs):
        """Annual reports of the real certified clusters through monitoring's services (skipped, with the reason,
        where those services changed shape)."""
        try:
            from monitoring import services

            year = timezone.localdate().year - 1
            for i, cert in enumerate(certs):
                actor = real.base.applicant_users[cert.cluster.owner_id][0]
                report = services.report_start(actor=actor, certification=cert, report_year=year)
                progress = {
                    p.target_id: {"actual": p.target.target_1, "note": ""}
                    for p in report.progress.select_related("target")
                }
                report = services.report_save(
                    report=report,
                    actor=actor,
                    version=report.edit_version,
                    figures={
                        "total_output": Decimal("760000"),
                        "sme_output": Decimal("600000"),
                        "lead_output": Decimal("580000"),
                        "sme_rnd": Decimal("16000"),
                        "invention_patents": 1700,
                        "employees": 100000,
                        "co2_intensity": Decimal("0.42"),
                    },
                    narratives={
                        "development": "稳步增长。",
                        "practices": "建设公共服务平台。",
                        "problems": "人才不足。",
                        "next_steps": "推进智能化改造。",
                    },
                    progress=progress,
                )
                report = services.report_submit(report=report, actor=actor, acknowledged=True, explanation="已核实")
                if i % 2 == 0:
                    services.report_verify(report=report, actor=real.base.county_users[cert.cluster.division_id][0])
        except Exception as exc:  # noqa: BLE001
            self.stderr.write(f"  年度发展报告真实服务跳过：{exc.__class__.__name__}: {exc}")

    def _real_city_submissions(self, base, year):
        try:
            from monitoring import services

        except ImportError as exc:
            self.stderr.write(f"  设区市信息表报送跳过：{exc}")
            return
        for i, (_code, users) in enumerate(sorted(base.city_users.items())):
            if i % 2:
                continue
            try:
                services.city_submission_submit(actor=users[0], report_year=year, remarks="基准数据：已汇总。")
            except Exception as exc:  # noqa: BLE001 - a city with no certified cluster owes no table
                self.stderr.write(f"  {users[0].organisation.division.name}信息表未报送：{exc}")

    def _summary(self, factor, timings, total):
        from django.db.models import Count

        from accounts.models import User
        from clusters.models import Application, Enterprise
        from core.models import TransitionLog
        from reviews.models import Assignment, ScoreSheet

        states = dict(Application.objects.values_list("state").annotate(n=Count("id")))
        self.stdout.write(self.style.SUCCESS(f"基准数据已生成（factor={factor}），用时 {total:.1f} 秒。"))
        self.stdout.write(
            "  申报：" + "，".join(f"{s} {n}" for s, n in sorted(states.items())) + f"（共 {sum(states.values())}）"
        )
        self.stdout.write(
            f"  企业名册 {Enterprise.objects.count()} 行，用户 {User.objects.count()}，评审分配 {Assignment.objects.count()}，"
            f"评分表 {ScoreSheet.objects.count()}，流转记录 {TransitionLog.objects.count()} 条"
        )


def _clock_now(call_year):
    """travel() for the bulk copies of an earlier call: late in its year, so its list was published in December."""

    @contextlib.contextmanager
    def inner():
        with clock(call_year, 12, 28):
            yield timezone.now()

    return inner()
