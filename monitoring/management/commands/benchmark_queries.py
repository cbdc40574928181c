"""Queries per page at two data sizes: a page whose count grows with the rows has an N+1."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.constants import Role


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "统计各页面在两种数据量下的数据库查询次数（数据在事务中创建并回滚）。"

    def add_arguments(self, parser):
        parser.add_argument("--small", type=int, default=3)
        parser.add_argument("--large", type=int, default=30)

    def handle(self, *args, **options):
        from django.conf import settings

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        results = {}
        try:
            with transaction.atomic():
                results = self._measure(options["small"], options["large"])
                raise _Rollback
        except _Rollback:
            pass
        width = max(len(k) for k in results) + 2
        self.stdout.write(f"{'页面'.ljust(width)}{options['small']:>8}{options['large']:>8}   毫秒(大)")
        grown = []
        for name, (small, large, ms) in results.items():
            flag = "" if large <= small else "  ← 随数据量增长"
            if large > small:
                grown.append(name)
            self.stdout.write(f"{name.ljust(width)}{small:>8}{large:>8}{ms:>10.0f}{flag}")
        if grown:
            raise CommandError("以下页面的查询次数随数据量增长（N+1）：" + "、".join(grown))
        self.stdout.write(self.style.SUCCESS("所有页面的查询次数与数据量无关。"))

    def _measure(self, small, large):
        from clusters.constants import ApplicationState as S
        from clusters.tests.factories import (
            ClusterFactory,
            add_enterprises,
            application_in_state,
            authority_user,
            published_call,
        )

        call = published_call(year=2099)
        first = application_in_state(S.COUNTY_REVIEW, call=call)
        owner_org = first.cluster.owner
        applicant = first.applicant.users.get(role=Role.APPLICANT)
        county = authority_user(Role.COUNTY, first.cluster.division)
        city = authority_user(Role.CITY, first.cluster.division)
        province = authority_user(Role.PROVINCE, first.cluster.division)
        draft = application_in_state(S.DRAFT, call=call, cluster=ClusterFactory(owner=owner_org, name="基准草稿集群"))

        def board(kind, query):
            return lambda: reverse("monitoring:dashboard_list", args=[kind]) + query

        pages = {
            "审核队列（县）": (county, lambda: reverse("reviews:queue")),
            "审核队列（省，全部状态）": (province, lambda: reverse("reviews:queue") + "?state="),
            "我的申报（申报主体）": (applicant, lambda: reverse("clusters:application_list")),
            "我的集群（申报主体）": (applicant, lambda: reverse("clusters:cluster_list")),
            "申报详情（市）": (city, lambda: reverse("clusters:application_detail", args=[first.pk])),
            "审核页面（县）": (county, lambda: reverse("reviews:review", args=[first.pk])),
            "企业名册（编辑）": (applicant, lambda: reverse("clusters:application_edit", args=[draft.pk, "roster"])),
            "首页待办（县）": (county, lambda: reverse("core:home")),
            "申报通知（公开）": (None, lambda: reverse("clusters:public_call_list")),
            "集群发展看板（省）": (province, lambda: reverse("monitoring:dashboard")),
            "集群发展看板（市）": (city, lambda: reverse("monitoring:dashboard")),
            "看板清单：在册认定（省）": (province, board("certifications", "?status=in_force")),
            "看板清单：申报（省）": (province, board("applications", f"?call={call.pk}&state=county_review")),
            "看板清单：年度报告（市）": (city, board("reports", "?status=owing")),
            "看板清单：主要指标（省）": (province, board("figures", "")),
            "看板清单：撤销认定（省）": (province, board("cases", "?status=proposed")),
            "看板清单：重大变动（市）": (city, board("changes", "?state=open")),
        }

        def run():
            counts = {}
            for name, (user, url) in pages.items():
                client = Client()
                if user is not None:
                    client.force_login(user)
                client.get(url())  # warm caches that are not per-request
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    response = client.get(url())
                    elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise CommandError(f"{name} 返回 {response.status_code}")
                counts[name] = (len(ctx.captured_queries), elapsed)
            return counts

        def grow(target):
            while self._made < target:
                self._made += 1
                application_in_state(
                    S.COUNTY_REVIEW, call=call, cluster=ClusterFactory(owner=owner_org, name=f"基准集群{self._made}")
                )
                self._certify(ClusterFactory(owner=owner_org, name=f"基准认定集群{self._made}"), province)
            if self._roster < target * 10:
                add_enterprises(draft, draft.applicant.users.first(), target * 10 - self._roster)
                self._roster = target * 10
            return run()

        small_counts = grow(small)
        large_counts = grow(large)
        return {k: (small_counts[k][0], large_counts[k][0], large_counts[k][1]) for k in small_counts}

    _made = 0
    _roster = 0

    @staticmethod
    def _certify(cluster, province):
        """A certified cluster with what the dashboard counts of it: a report on the year now due (submitted, and
        behind its plan), an open revocation case, a change report at the city, and key support this year."""
        import datetime

        from django.utils import timezone

        from monitoring import services
        from monitoring.constants import ChangeReportState, ReportState, RevocationStatus
        from monitoring.deadlines import current_report_year
        from monitoring.tests.factories import CertificationFactory, report_in_state
        from monitoring.tests.lifecycle_factories import change_in_state, revocation_in_state

        year = current_report_year()
        cert = CertificationFactory(cluster=cluster, call_year=year - 1, published=datetime.date(year - 1, 10, 15))
        report_in_state(ReportState.SUBMITTED, certification=cert, report_year=year)
        revocation_in_state(RevocationStatus.PROPOSED, certification=cert)
        change_in_state(ChangeReportState.CITY_REVIEW, certification=cert)
        services.key_support_mark(
            actor=province, certification=cert, year=timezone.localdate().year, reason="基准测试：带动作用明显。"
        )
