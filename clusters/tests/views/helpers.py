"""What the clusters page tests share: uploads, a complete submission, URLs and form data."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clusters import eligibility, selectors, services
from clusters.models import Application

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def shanghai(dt):
    local = timezone.localtime(dt)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _make_call(province, year=2025, publish=True):
    now = timezone.now()
    call = services.call_create(
        actor=province,
        year=year,
        title=f"{year}年度江苏省中小企业特色产业集群申报",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        city_deadline=now + timedelta(days=45),
        notice_text="请各地认真组织申报。",
    )
    if publish:
        call = services.call_publish(call=call, actor=province)
    return call


def _upload(name="材料.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _submit(application, applicant):
    """Everything a submission needs (contact, declarations, the required files), then submit."""
    full = selectors.application_with_sections(application.pk)
    decl = {
        f: True
        for f in ("decl_prohibited_industry", "decl_major_accident", "decl_cyber_incident", "decl_tax_dishonesty")
    }
    services.application_update(application=full, actor=applicant, version=full.edit_version, data=decl)
    for req in application.call.requirements.filter(required=True):
        services.attachment_upload(
            application=application, actor=applicant, uploaded_file=_upload(f"{req.name}.pdf"), requirement=req
        )
    full = selectors.application_with_sections(application.pk)
    failed = eligibility.failed_hard(selectors.evaluate_application(full))
    services.application_submit(
        application=full, actor=applicant, comment="首次提交", explanations={r.code: "数据正在核实中。" for r in failed}
    )
    return Application.objects.get(pk=application.pk)


def _edit_url(application, section):
    return reverse("clusters:application_edit", args=[application.pk, section])


def _form_data(form):
    """POST data reproducing an unbound form (or every form of a formset) as rendered."""
    data = {}
    forms = [form.management_form, *form.forms] if hasattr(form, "management_form") else [form]
    for f in forms:
        for name in f.fields:
            value = f[name].value()
            key = f.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = str(value)
    return data
