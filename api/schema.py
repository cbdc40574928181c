"""The OpenAPI description: the token scheme, and the error answers every operation can give (one shape,
`{"detail", "errors"}`), so that clients and schemathesis know them."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from .serializers.common import ErrorSerializer

ERRORS = {
    "400": "请求有误（字段错误见 errors）",
    "401": "未认证：缺少令牌，或令牌无效、已撤销、已过期",
    "403": "可以看到该对象，但无权执行此操作",
    "404": "不存在，或不在调用方的范围内",
    "409": "对象状态不允许此操作，或已被他人修改（edit_version 过期）",
    "413": "请求正文过大",
    "415": "请求正文不是 JSON",
}


class PortalAutoSchema(AutoSchema):
    """Descriptions in the documentation are Chinese: a view's or serializer's (English) docstring is for the
    code's readers, not shown; `extend_schema(description=…)` and a serializer's `schema_description` are."""

    def get_description(self):
        return ""

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        schema.pop("description", None)
        described = getattr(serializer, "schema_description", "")
        if described:
            schema["description"] = described
        return schema

    def _is_list_view(self, serializer=None):
        # A viewset whose `list` answers one object (the transitions of one application).
        if getattr(self.view, "list_is_one_object", False):
            return False
        return super()._is_list_view(serializer)

    def _error_codes(self) -> list[str]:
        public = not self.view.get_authenticators() if hasattr(self.view, "get_authenticators") else False
        codes = ["400", "404"]
        if not public:
            codes += ["401"]
        if self.method in ("POST", "PATCH", "PUT"):
            codes += ["403", "409", "413", "415"]
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in responses.items():
            if code.startswith("2") and not response.get("description"):
                response["description"] = "成功"
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                responses[code]["description"] = ERRORS[code]
        if self.method == "GET" and any(p.get("name") == "If-None-Match" for p in self._get_parameters()):
            responses.setdefault("304", {"description": "未修改：内容与 If-None-Match 中的 ETag 相同"})
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "省工业和信息化厅签发的接口令牌：`Authorization: Bearer <令牌>`。",
        }


class PortalSessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PortalSessionAuthentication"
    name = "PortalSession"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "已登录门户的会话（本页“Try it out”即用此方式）；修改类请求须带 X-CSRFToken 请求头。",
        }


def strict_request_bodies(result, generator, request, public):
    """drf-spectacular postprocessing hook: request bodies refuse unknown fields (StrictInputMixin), so their
    schemas say so."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result
