from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "公共组件"

    def ready(self):
        from django.core import checks

        from .sweeps import register_sweep

        register_sweep("core.services.audit_purge_expired")
        register_sweep("core.services.transition_log_checkpoint")
        register_sweep("core.services.upload_temp_cleanup")

        from . import navigation, todos

        def bad_ratings(user):
            from .ratings import bad_ratings_to_answer

            n = (
                bad_ratings_to_answer(user).count()
                if user.is_authenticated and not getattr(user, "is_applicant", False)
                else 0
            )
            return [{"label": "待答复的差评", "count": n, "url": "/ratings/answers/"}] if n else []

        todos.register(bad_ratings)
        navigation.register(94, "节假日安排", "core:calendar", lambda u: getattr(u, "is_province", False))
        navigation.register(
            95, "办事评价", "core:rating_summary", lambda u: getattr(u, "is_province", False), also=(r"^/ratings/",)
        )

        # Temporary files of uploads killed mid-way, from before this start.
        from .services import upload_temp_cleanup

        upload_temp_cleanup()

        @checks.register(checks.Tags.security)
        def national_crypto(app_configs, **kwargs):
            """SM3 and SM4 must work on this host (the audit chain and personal data depend on them)."""
            from .crypto import check

            return [checks.Critical(problem, id="core.E001") for problem in check()]
