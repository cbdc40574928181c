from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = "集群与申报"

    def ready(self):
        from core import navigation, todos

        from .navigation import todos_for_user

        navigation.register(10, _("首页"), "core:home", lambda u: u.is_authenticated)
        navigation.register(20, _("我的集群"), "clusters:cluster_list", lambda u: u.is_applicant)
        navigation.register(30, _("我的申报"), "clusters:application_list", lambda u: u.is_applicant)
        navigation.register(40, _("申报批次管理"), "clusters:call_manage_list", lambda u: u.is_province)
        navigation.register(90, _("申报通知"), "clusters:public_call_list", lambda u: True)
        todos.register(todos_for_user)

        # 好差评: the applicant may rate each closed step of its application (certified, refused, returned).
        from core import ratings

        from .constants import ApplicationState as S
        from .permissions import owns

        ratings.register(
            "clusters.application",
            {S.CERTIFIED: "认定", S.REJECTED: "未通过认定", S.DRAFT: "退回修改"},
            owns,
            from_states=[s for s in S.values if s != S.DRAFT],
        )
