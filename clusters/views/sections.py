"""Editing a draft section by section (with autosave), and the eligibility panel shown beside the sections."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from clusters import eligibility, selectors, services
from clusters.constants import ListKind
from clusters.forms import (
    AttachmentForm,
    BasicForm,
    DeclarationsForm,
    DigitalForm,
    EnterpriseForm,
    ListItemForm,
    ListsNarrativeForm,
    ManagementForm,
    PlanTargetForm,
    RosterImportForm,
    SubmitForm,
    YearDataForm,
)
from clusters.models import Application
from core.exceptions import Conflict, ServiceError
from core.forms import apply_service_error, message_service_error

from .common import editable_application, error_dict, is_xhr, kept_form, upload_info

SECTION_FORMS = {
    "basic": BasicForm,
    "lists": ListsNarrativeForm,
    "digital": DigitalForm,
    "management": ManagementForm,
    "declarations": DeclarationsForm,
}
SECTION_TITLES = dict(selectors.SECTIONS)
# Sections whose data feeds the eligibility rules: they show the live eligibility summary beside the form.
SIDE_PANEL_SECTIONS = {"data", "roster", "lists", "digital", "management"}


def _section_extra(application, section, request=None, **given):
    """The secondary forms a section shows besides its main form (also when re-rendering after an error)."""
    extra = {}
    if section == "roster":
        extra.update(
            enterprise_form=kept_form(request, application.pk, "enterprise", EnterpriseForm),
            import_form=RosterImportForm(),
            duplicates=selectors.roster_duplicates_elsewhere(application),
        )
    elif section == "lists":
        extra["item_form"] = kept_form(request, application.pk, "item", ListItemForm)
    elif section == "management":
        extra["target_form"] = kept_form(
            request, application.pk, "target", PlanTargetForm, call_year=application.call.year
        )
        extra["plan_upload_form"] = AttachmentForm(call=application.call, initial={"purpose": "plan"})
        extra.update(upload_info())
    elif section == "attachments":
        extra["upload_form"] = AttachmentForm(call=application.call, initial={"purpose": "requirement"})
        extra.update(upload_info())
    elif section == "review" and "submit_form" not in given:
        full = selectors.application_with_sections(application.pk)
        results = selectors.evaluate_application(full)
        extra.update(
            submit_form=SubmitForm(
                failed_rules=eligibility.failed_hard(results), initial_explanations=application.failed_rule_explanations
            ),
            blockers=services.submission_blockers(full),
        )
    extra.update(given)
    return extra


def section_context(request, application, section, **extra):
    extra = _section_extra(application, section, request=request, **extra)
    full = selectors.application_with_sections(application.pk)
    status = selectors.section_status(full)
    done = sum(1 for k, v in status.items() if v and k != "review")
    # A returned draft shows each condition's opinion at the top and beside the section it concerns.
    opinions = selectors.opinions_by_section(full.return_opinions or {})
    return {
        "return_opinions": [o for key, _t in selectors.SECTIONS for o in opinions.get(key, [])],
        "section_opinions": opinions.get(section, []),
        "section_titles": SECTION_TITLES,
        "application": full,
        "section": section,
        "section_title": SECTION_TITLES[section],
        "sections": [(key, title, status[key]) for key, title in selectors.SECTIONS],
        "progress": round(done * 100 / (len(status) - 1)),
        "results": selectors.evaluate_application(full),
        "list_kinds": ListKind.choices,
        "side_panel": section in SIDE_PANEL_SECTIONS,
        **extra,
    }


@login_required
def application_edit(request, pk, section):
    if section not in SECTION_TITLES:
        raise Http404
    application, visible = editable_application(request, pk)
    if application is None:
        messages.info(request, "申报当前不可编辑，已为您打开查看页面。")
        return redirect("clusters:application_detail", pk=visible.pk)
    form = None
    if section in SECTION_FORMS:
        form_class = SECTION_FORMS[section]
        if request.method == "POST":
            form = form_class(request.POST, instance=Application.objects.get(pk=application.pk))
            if form.is_valid():
                data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
                try:
                    saved = services.application_update(
                        application=application, actor=request.user, version=form.cleaned_data["version"], data=data
                    )
                except ServiceError as exc:
                    return _save_failed(request, form, exc, application, section)
                return _saved(request, saved, section)
            return _invalid(request, form, application, section)
        form = form_class(instance=application, initial={"version": application.edit_version})
    elif section == "data":
        rows = list(application.year_data.all())
        if request.method == "POST":
            form = YearDataForm(request.POST, years=application.call.data_years, rows=rows)
            if form.is_valid():
                try:
                    saved = services.year_data_update(
                        application=application,
                        actor=request.user,
                        version=form.cleaned_data["version"],
                        rows=form.rows(),
                    )
                except ServiceError as exc:
                    return _save_failed(request, form, exc, application, section)
                return _saved(request, saved, section)
            return _invalid(request, form, application, section)
        form = YearDataForm(years=application.call.data_years, rows=rows, initial={"version": application.edit_version})
    return render(request, "clusters/application_edit.html", section_context(request, application, section, form=form))


def _saved(request, application, section):
    if is_xhr(request):
        return JsonResponse(
            {"ok": True, "version": application.edit_version, "saved_at": timezone.localtime().strftime("%H:%M:%S")}
        )
    messages.success(request, f"“{SECTION_TITLES[section]}”已保存。")
    return redirect("clusters:application_edit", pk=application.pk, section=section)


def _invalid(request, form, application, section):
    if is_xhr(request):
        return JsonResponse({"ok": False, "errors": error_dict(form.errors)}, status=400)
    messages.error(request, "有内容需要修改，本节未保存。")
    return render(
        request,
        "clusters/application_edit.html",
        section_context(request, application, section, form=form),
        status=400,
    )


def _save_failed(request, form, exc, application, section):
    status = 409 if isinstance(exc, Conflict) else 400
    if is_xhr(request):
        return JsonResponse({"ok": False, "message": exc.message, "errors": error_dict(exc.errors)}, status=status)
    apply_service_error(form, exc)
    message_service_error(request, exc)
    return render(
        request,
        "clusters/application_edit.html",
        section_context(request, application, section, form=form),
        status=status,
    )


@login_required
def eligibility_panel(request, pk):
    application = selectors.get_application_for_user(user=request.user, pk=pk)
    full = selectors.application_with_sections(application.pk)
    return render(
        request,
        "clusters/_eligibility.html",
        {"results": selectors.evaluate_application(full), "compact": request.GET.get("compact") == "1"},
    )
