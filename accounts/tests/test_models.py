import pytest
from django.core.exceptions import ValidationError

from accounts.constants import OrganisationKind, Role
from accounts.models import Division, Organisation, User
from accounts.tests.factories import OrganisationFactory, UserFactory, make_credit_code

pytestmark = pytest.mark.django_db


def test_applicant_needs_a_valid_credit_code():
    org = Organisation(name="甲", kind=OrganisationKind.APPLICANT, division=Division.objects.get(code="320583"))
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert "统一社会信用代码" in str(exc.value)
    org.credit_code = make_credit_code(7)[:-1] + ("0" if make_credit_code(7)[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert "校验位" in str(exc.value)
    org.credit_code = make_credit_code(7)
    org.full_clean()


def test_authority_division_level_must_match():
    org = Organisation(name="乙", kind=OrganisationKind.CITY_AUTHORITY, division=Division.objects.get(code="320583"))
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert "设区市" in str(exc.value)


def test_user_role_must_fit_organisation():
    city_org = OrganisationFactory(city=True)
    user = User(username="x", role=Role.COUNTY, organisation=city_org)
    with pytest.raises(ValidationError) as exc:
        user.clean()
    assert "不符" in str(exc.value)


def test_duplicate_username_is_refused_in_chinese(client):
    from accounts.forms import UserCreateForm

    UserFactory(username="dup")
    form = UserCreateForm(data={"username": "dup", "password1": "Xy7#kLm9pQ!", "password2": "Xy7#kLm9pQ!"})
    assert not form.is_valid()
    assert "已存在" in str(form.errors["username"])
    assert User.objects.filter(username="dup").count() == 1


def test_unknown_division_code_is_refused():
    from django import forms

    class F(forms.ModelForm):
        class Meta:
            model = Organisation
            fields = ["name", "kind", "division", "credit_code"]

    form = F(data={"name": "丙", "kind": "applicant", "division": "329999", "credit_code": make_credit_code(9)})
    assert not form.is_valid()
    assert "division" in form.errors
    assert not Organisation.objects.filter(name="丙").exists()
