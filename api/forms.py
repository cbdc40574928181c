from django import forms
from django.utils import timezone

from accounts.models import User


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.organisation} · {user.display_name}（{user.username}，{user.get_role_display() or '无角色'}）"


class TokenIssueForm(forms.Form):
    user = UserChoiceField(
        label="代表账号",
        queryset=User.objects.filter(is_active=True, organisation__isnull=False)
        .select_related("organisation")
        .order_by("organisation__division_id", "organisation__name", "username"),
        help_text="令牌以该账号的身份和权限访问接口，例如设区市主管部门的对接专用账号。",
    )
    name = forms.CharField(label="名称（用途）", max_length=100, help_text="例如“苏州市工信局数据对接”。")
    expires_at = forms.DateTimeField(
        label="有效期至（可选）",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="不填则长期有效，直至撤销。",
    )

    def clean_expires_at(self):
        value = self.cleaned_data.get("expires_at")
        if value is not None and value <= timezone.now():
            raise forms.ValidationError("有效期必须晚于当前时间。")
        return value
