"""Art. 7 is absolute (不予认定): declaring that one of its four situations occurred blocks submission with that
reason; it is not a failed rule that an explanation can carry."""

import pytest

from clusters import eligibility, selectors, services
from clusters.forms import SubmitForm
from core.exceptions import ServiceError

pytestmark = pytest.mark.django_db


def _declare(application, owner, **declarations):
    application.refresh_from_db()
    return services.application_update(
        application=application, actor=owner, version=application.edit_version, data=declarations
    )


def test_a_declared_situation_blocks_submission_with_its_reason(filled, owner):
    application = _declare(filled, owner, decl_major_accident=False)
    full = selectors.application_with_sections(application.pk)
    blockers = services.submission_blockers(full)
    assert any("近三年发生过重大及以上安全、质量和环境污染等事故" in b and "不予认定" in b for b in blockers)
    with pytest.raises(ServiceError) as err:
        services.application_submit(
            application=application, actor=owner, explanations={"art7": "事故已整改完毕，特此说明。"}
        )
    assert "不予认定" in err.value.message
    application.refresh_from_db()
    assert application.state == "draft" and application.submission_count == 0


def test_art7_is_not_offered_as_an_explainable_failure(filled, owner):
    application = _declare(filled, owner, decl_tax_dishonesty=False)
    results = selectors.evaluate_application(selectors.application_with_sections(application.pk))
    assert "art7" not in {r.code for r in eligibility.failed_hard(results)}
    form = SubmitForm(failed_rules=eligibility.failed_hard(results))
    assert "explain_art7" not in form.fields
    art7 = next(r for r in results if r.code == "art7")
    assert art7.outcome == "fail" and art7.kind == eligibility.ABSOLUTE


def test_every_declaration_no_situation_submits(filled, owner):
    application = services.application_submit(application=filled, actor=owner)
    assert application.state == "county_review"
