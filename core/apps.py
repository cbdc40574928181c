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

        @checks.register(checks.Tags.caches, deploy=True)
        def shared_cache(app_configs, **kwargs):
            """In production every worker must share one cache (Redis): the objection throttle counts in it, and
            cached results keyed by data versions (core.cache) are renewed by a change in whichever worker made
            it. A per-process cache would count per worker and serve a worker's stale ranking for minutes."""
            from django.conf import settings

            backend = settings.CACHES.get("default", {}).get("BACKEND", "")
            if "redis" in backend.lower():
                return []
            return [
                checks.Warning(
                    f"缓存后端为 {backend}，各工作进程互不共享。",
                    hint="生产环境请设置 CACHE_URL=redis://…（所有 Web 主机共用同一个 Redis）。",
                    id="core.W001",
                )
            ]
