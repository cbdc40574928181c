"""The enterprise roster of a draft: add and remove an enterprise, the Excel template and its import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clusters import roster_io, selectors, services
from clusters.forms import EnterpriseForm, RosterImportForm
from core.exceptions import ServiceError
from core.filetypes import CONTENT_TYPES
from core.forms import message_service_error

from .common import child_action, editable_application, form_error_summary
from .sections import section_context


@login_required
@require_POST
def enterprise_add(request, pk):
    def action(application):
        form = EnterpriseForm(request.POST)
        if not form.is_valid():
            raise ServiceError(form_error_summary("企业信息有误", form))
        services.enterprise_add(application=application, actor=request.user, **form.cleaned_data)
        return f"已添加企业“{form.cleaned_data['name']}”。"

    return child_action(request, pk, "roster", action, keep="enterprise")


@login_required
@require_POST
def enterprise_remove(request, pk, item_pk):
    return child_action(
        request,
        pk,
        "roster",
        lambda a: services.enterprise_remove(application=a, actor=request.user, enterprise_id=item_pk) or "已删除。",
    )


@login_required
def roster_template(request, pk):
    selectors.get_application_for_user(user=request.user, pk=pk)
    response = HttpResponse(roster_io.build_template(), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


@login_required
@require_POST
def roster_import(request, pk):
    application, _visible = editable_application(request, pk)
    if application is None:
        raise Http404
    form = RosterImportForm(request.POST, request.FILES)
    errors = []
    if form.is_valid():
        try:
            count, errors = services.roster_import(
                application=application, actor=request.user, fileobj=form.cleaned_data["file"]
            )
        except ServiceError as exc:
            message_service_error(request, exc)
            return redirect("clusters:application_edit", pk=pk, section="roster")
        if not errors:
            messages.success(request, f"已导入 {count} 家企业。")
            return redirect("clusters:application_edit", pk=pk, section="roster")
        messages.error(request, f"导入失败：发现 {len(errors)} 处错误，未导入任何企业。请修改后重新导入。")
    else:
        messages.error(request, "请选择要导入的 Excel 文件。")
    ctx = section_context(request, application, "roster", import_form=form, import_errors=errors)
    return render(request, "clusters/application_edit.html", ctx, status=400)
