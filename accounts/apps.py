from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与机构"

    def ready(self):
        from . import signals  # noqa: F401 - audit receivers
