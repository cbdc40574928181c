"""One shape for every refusal: `{"detail": "<one Chinese sentence>", "errors": {"<field>": ["…"]}}`.

The portal's service exceptions keep their meaning: ServiceError → 400 (with its field errors), NotAllowed →
403, Conflict → 409. Out of scope is 404, as on the web pages. Anything else unexpected stays a 500."""

import re

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from core.exceptions import Conflict, NotAllowed, ServiceError

from .parsers import PayloadTooLarge

CJK = re.compile(r"[\u4e00-\u9fff]")
NOT_FOUND = "未找到该对象，或您无权访问。"
CSRF_FAILED = "CSRF 校验失败：以登录会话调用接口时，修改类请求须带 X-CSRFToken 请求头（集成系统请改用令牌）。"
MESSAGES = {
    exceptions.NotAuthenticated: "未提供身份认证信息：请在请求头中提供 Authorization: Bearer <令牌>，或先登录。",
    exceptions.PermissionDenied: "您无权执行此操作。",
    exceptions.MethodNotAllowed: "不支持该请求方法。",
    exceptions.UnsupportedMediaType: "不支持该请求正文格式，请使用 Content-Type: application/json。",
    exceptions.NotAcceptable: "无法提供所要求的响应格式，本接口只返回 JSON。",
    exceptions.Throttled: "请求过于频繁，请稍后再试。",
}


class StateConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "对象当前状态不允许此操作。"
    default_code = "conflict"


def _chinese(message, fallback: str) -> str:
    text = str(message or "")
    return text if CJK.search(text) else fallback


def flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [...], "years.0.total_output": [...]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "__all__" if key in ("non_field_errors", "__all__") and not prefix else str(key)
            for k, v in flatten(value, f"{prefix}.{name}" if prefix else name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(v, (dict, list)) for v in detail):
            out.setdefault(prefix or "__all__", []).extend(str(v) for v in detail)
        else:
            for i, value in enumerate(detail):
                for k, v in flatten(value, f"{prefix}.{i}" if prefix else str(i)).items():
                    out.setdefault(k, []).extend(v)
    else:
        out.setdefault(prefix or "__all__", []).append(str(detail))
    return out


def _errors(mapping) -> dict[str, list[str]]:
    return {str(k): [str(m) for m in (v if isinstance(v, (list, tuple)) else [v])] for k, v in (mapping or {}).items()}


def _summary(errors: dict[str, list[str]]) -> str:
    parts = [f"{'' if k == '__all__' else k + '：'}{'；'.join(v)}" for k, v in errors.items()]
    return "提交的数据有误：" + "；".join(parts) if parts else "提交的数据有误。"


def body(detail: str, errors: dict | None = None) -> dict:
    return {"detail": detail, "errors": errors or {}}


def exception_handler(exc, context):
    headers = {}
    if isinstance(exc, Conflict):
        code, data = status.HTTP_409_CONFLICT, body(exc.message, _errors(exc.errors))
    elif isinstance(exc, NotAllowed):
        code, data = status.HTTP_403_FORBIDDEN, body(exc.message, _errors(exc.errors))
    elif isinstance(exc, ServiceError):
        code, data = status.HTTP_400_BAD_REQUEST, body(exc.message, _errors(exc.errors))
    elif isinstance(exc, (Http404, exceptions.NotFound)):
        message = exc.args[0] if isinstance(exc, Http404) and exc.args else getattr(exc, "detail", "")
        code, data = status.HTTP_404_NOT_FOUND, body(_chinese(message, NOT_FOUND))
    elif isinstance(exc, (RequestDataTooBig, PayloadTooLarge)):
        code, data = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, body(str(PayloadTooLarge().detail))
    elif isinstance(exc, DjangoValidationError):
        errors = _errors(exc.message_dict) if hasattr(exc, "error_dict") else {"__all__": list(exc.messages)}
        code, data = status.HTTP_400_BAD_REQUEST, body(_summary(errors), errors)
    elif isinstance(exc, exceptions.ValidationError):
        errors = flatten(exc.detail)
        code, data = status.HTTP_400_BAD_REQUEST, body(_summary(errors), errors)
    elif isinstance(exc, PermissionDenied):
        code, data = status.HTTP_403_FORBIDDEN, body(_chinese(exc.args[0] if exc.args else "", "您无权执行此操作。"))
    elif isinstance(exc, exceptions.APIException):
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = f"{int(exc.wait)}"
        fallback = next((m for cls, m in MESSAGES.items() if isinstance(exc, cls)), "请求有误。")
        detail = exc.detail if not isinstance(exc.detail, (list, dict)) else ""
        if isinstance(exc, exceptions.NotAuthenticated):
            detail = fallback
        elif isinstance(exc, exceptions.PermissionDenied) and "CSRF" in str(detail):
            detail = CSRF_FAILED
        code, data = exc.status_code, body(_chinese(detail, fallback))
    else:
        return None
    set_rollback()
    return Response(data, status=code, headers=headers)
