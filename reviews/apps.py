from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "评审"

    def ready(self):
        from core import navigation
        from core.tasks import register_sweep

        from .tasks import remind_city_deadlines

        register_sweep(remind_city_deadlines)

        navigation.register(25, _("审核队列"), "reviews:queue", lambda u: u.role in ("county", "city") or u.is_province)
        navigation.register(
            35, _("推荐文件"), "reviews:recommendation_list", lambda u: u.role == "city" or u.is_province
        )
