"""Audit records for logins, logouts, failed logins, password changes and permission changes (等保)."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from core.services import audit

from .models import User

# Fields whose change alters what a user may do.
PERMISSION_FIELDS = ("role", "organisation_id", "is_active", "is_staff", "is_superuser")


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    from .middleware import LAST_SEEN, LOGIN_AT

    now = int(time.time())
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = now
        request.session[LAST_SEEN] = now
    audit("login", user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit("logout", user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))[:150]
    user = User.objects.filter(username=username).first() if username else None
    audit("login_failed", user=user, username=username, outcome="failure")


@receiver(pre_save, sender=User)
def _remember_permissions(sender, instance, **kwargs):
    if instance.pk is None:
        instance._audit_before = None
        return
    stored = User.objects.filter(pk=instance.pk).values(*PERMISSION_FIELDS, "password").first()
    instance._audit_before = stored


@receiver(post_save, sender=User)
def _audit_user_change(sender, instance, created, **kwargs):
    from core.request_context import current_actor

    actor = current_actor()
    if created:
        audit("user_created", user=actor, obj=instance, detail=f"角色 {instance.role or '-'}")
        return
    before = getattr(instance, "_audit_before", None)
    if not before:
        return
    changed = [f for f in PERMISSION_FIELDS if before[f] != getattr(instance, f)]
    if changed:
        detail = "；".join(f"{f}: {before[f]} → {getattr(instance, f)}" for f in changed)
        audit("permission_changed", user=actor, obj=instance, detail=detail)
    if before["password"] != instance.password:
        audit("password_changed", user=actor or instance, obj=instance)


@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
def _audit_m2m(sender, instance, action, pk_set, **kwargs):
    from core.request_context import current_actor

    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, User):
        audit("permission_changed", user=current_actor(), obj=instance, detail=f"{action} {sorted(pk_set or [])}")


def _guardian_receivers():
    from django.db.models.signals import post_delete
    from guardian.models import UserObjectPermission

    @receiver(post_save, sender=UserObjectPermission, weak=False)
    def _granted(sender, instance, created, **kwargs):
        from core.request_context import current_actor

        if created:
            audit(
                "object_permission_granted",
                user=current_actor(),
                obj=instance.user,
                detail=f"{instance.permission.codename} on {instance.content_type.model} #{instance.object_pk}",
            )

    @receiver(post_delete, sender=UserObjectPermission, weak=False)
    def _revoked(sender, instance, **kwargs):
        from core.request_context import current_actor

        audit(
            "object_permission_revoked",
            user=current_actor(),
            obj=instance.user,
            detail=f"{instance.permission.codename} on {instance.content_type.model} #{instance.object_pk}",
        )


_guardian_receivers()
