from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "数据接口"

    def ready(self):
        from core import navigation

        # drf-spectacular finds its extensions (the token scheme) by subclass registration at import.
        from . import schema  # noqa: F401

        navigation.register(96, _("接口令牌"), "api:token_list", lambda u: u.is_province)
