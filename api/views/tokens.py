"""Province staff issue and revoke API tokens (the page); the token is shown once, on the answer to the issue."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import province_required
from core.exceptions import ServiceError
from core.forms import apply_service_error, message_service_error

from .. import selectors, services
from ..forms import TokenIssueForm
from ..models import ApiToken


@never_cache
@province_required
def token_list(request):
    form = TokenIssueForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.token_issue(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            # Rendered, not redirected: this answer is the only place the plain token ever appears.
            issued = {"token": token, "raw": raw}
            form = TokenIssueForm()
    page = Paginator(selectors.token_list(), 50).get_page(request.GET.get("page"))
    now = timezone.now()
    for token in page.object_list:
        token.state = token.status(now)
        token.state_label = token.status_label(now)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "api/token_list.html", {"form": form, "page": page, "issued": issued}, status=status)


@province_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk)
    try:
        services.token_revoke(actor=request.user, token=token)
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, f"令牌“{token.name}”已撤销，使用它的请求将被拒绝。")
    return redirect("api:token_list")
