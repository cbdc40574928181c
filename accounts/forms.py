from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。连续输错 5 次将锁定 30 分钟。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }
    username = forms.CharField(
        label=_("用户名"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class UserCreateForm(UserCreationForm):
    """The admin's and the tests' way to add an account: a duplicate username gets a Chinese message."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "role", "organisation")
        error_messages = {"username": {"unique": _("该用户名已存在，请换一个。")}}
