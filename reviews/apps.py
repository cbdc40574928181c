from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "评审"

    def ready(self):
        from core import navigation, todos
        from core.sweeps import register_sweep

        from .navigation import todos_for_user

        todos.register(todos_for_user)

        register_sweep("reviews.services.recommendations.remind_city_deadlines")
        register_sweep("reviews.services.notices.notices_close_due")
        register_sweep("reviews.services.retention.objection_contacts_anonymise")

        from clusters import permissions

        from .permissions import expert_has_declared

        permissions.EXPERT_VIEW_GATES.append(expert_has_declared)

        navigation.register(25, _("审核队列"), "reviews:queue", lambda u: u.role in ("county", "city") or u.is_province)
        navigation.register(
            35, _("推荐文件"), "reviews:recommendation_list", lambda u: u.role == "city" or u.is_province
        )
        navigation.register(
            37,
            _("省级评审"),
            "reviews:province_decision",
            lambda u: u.is_province,
            also=(
                r"^/review/calls/",
                r"^/review/meetings/",
                r"^/review/files/",
                r"^/review/applications/\d+/site-check/",
            ),
        )
        navigation.register(38, _("专家库"), "reviews:expert_pool", lambda u: u.is_province)
        navigation.register(22, _("评审任务"), "reviews:expert_tasks", lambda u: u.is_expert)
        navigation.register(39, _("公示与名单管理"), "public:notice_manage", lambda u: u.is_province)
        navigation.register(91, _("公示公告"), "public:notice_list", lambda u: True)
        navigation.register(92, _("认定名单"), "public:registry", lambda u: True)
