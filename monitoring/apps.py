from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "动态管理"

    def ready(self):
        from core import navigation, todos
        from core.sweeps import register_sweep

        from .navigation import todos_for_user
        from .permissions import can_view_dashboard, may_use_monitoring

        register_sweep("monitoring.services.sweep.annual_report_sweep")
        register_sweep("monitoring.services.expiry.certification_lifecycle_sweep")
        # Before 年度监测 (order 50): its pages also lie under /monitoring/, and the first of equal matches is current.
        navigation.register(
            45,
            _("集群发展看板"),
            "monitoring:dashboard",
            can_view_dashboard,
            also=(r"^/monitoring/(dashboard|key-support|recommendations)(/|\.|$)",),
        )
        navigation.register(50, _("年度监测"), "monitoring:home", may_use_monitoring, also=(r"^/monitoring/",))
        # The public's entry to published revocation decisions (staff reach them from their own pages).
        navigation.register(
            93, _("撤销公告"), "monitoring:public_revocations", lambda u: not u.is_authenticated or u.is_applicant
        )
        todos.register(todos_for_user)

        # 好差评: the cluster may rate the county's verification (or return) of its annual report.
        from core import ratings

        from .constants import ReportState
        from .permissions import owns_report

        ratings.register(
            "monitoring.annualreport",
            {ReportState.VERIFIED: "年度报告审核通过", ReportState.RETURNED: "年度报告退回修改"},
            owns_report,
            from_states=[ReportState.SUBMITTED],
        )
