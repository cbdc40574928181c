from django.conf import settings


def portal(request):
    user = getattr(request, "user", None)
    from core.navigation import navigation_for

    context = {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "large_text": request.COOKIES.get("large_text") == "1",
        "portal_nav": navigation_for(request) if user is not None else [],
    }
    if user is not None and user.is_authenticated:
        context["unread_notifications"] = user.notifications.filter(read_at__isnull=True).count()
        context["large_text"] = context["large_text"] or user.large_text
    return context
