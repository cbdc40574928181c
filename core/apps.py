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

        # Temporary files of uploads killed mid-way, from before this start.
        from .services import upload_temp_cleanup

        upload_temp_cleanup()

        @checks.register(checks.Tags.security)
        def national_crypto(app_configs, **kwargs):
            """SM3 and SM4 must work on this host (the audit chain and personal data depend on them)."""
            from .crypto import check

            return [checks.Critical(problem, id="core.E001") for problem in check()]
