"""Password rules of the 等保 baseline: at least 8 characters from 3 of the 4 classes, not containing the
username, not one of the last five passwords."""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HISTORY_SIZE = 5


class ComplexityValidator:
    def __init__(self, min_length: int = 8, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password, user=None):
        errors = []
        if len(password) < self.min_length:
            errors.append(_("密码至少 %(n)d 位。") % {"n": self.min_length})
        classes = sum(
            (
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            )
        )
        if classes < self.min_classes:
            errors.append(_("密码须包含大写字母、小写字母、数字、符号中的至少三类。"))
        username = (getattr(user, "username", "") or "").lower()
        if username and len(username) >= 3 and username in password.lower():
            errors.append(_("密码不能包含用户名。"))
        if errors:
            raise ValidationError(errors, code="password_too_simple")

    def get_help_text(self):
        return _("至少 8 位，包含大写字母、小写字母、数字、符号中的至少三类，且不含用户名。")


class HistoryValidator:
    def validate(self, password, user=None):
        if user is None or not getattr(user, "pk", None):
            return
        recent = [user.password] if user.password else []
        recent += list(user.password_history.values_list("password", flat=True)[: HISTORY_SIZE - 1])
        if any(check_password(password, encoded) for encoded in recent if encoded):
            raise ValidationError(_("新密码不能与最近 5 次使用过的密码相同。"), code="password_reused")

    def get_help_text(self):
        return _("不能与最近 5 次使用过的密码相同。")
