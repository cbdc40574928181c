"""What the API's views share: conditional GET on detail endpoints, and the public (no token) base."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.utils.cache import patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="上次响应的 ETag：内容未变时返回 304，无响应正文。",
)


MAX_PK_DIGITS = 18


def int_pk(value) -> int:
    """A path id as an int; anything a database integer cannot hold is simply not found."""
    text = str(value)
    if not text.isdigit() or len(text) > MAX_PK_DIGITS:
        raise Http404("未找到该对象，或您无权访问。")
    return int(text)


def etag_for(data) -> str:
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder).encode()).hexdigest()
    return f'"{digest[:40]}"'


def _matches(header: str, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = {c.strip().removeprefix("W/") for c in header.split(",")}
    return etag in candidates


def conditional_response(request, data) -> Response:
    """200 with an ETag (a digest of exactly what this caller sees), or 304 when If-None-Match carries it."""
    etag = etag_for(data)
    if _matches(request.headers.get("If-None-Match", ""), etag):
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
    else:
        response = Response(data)
    response["ETag"] = etag
    # What a caller sees depends on who it is: a shared cache must not serve one caller's copy to another.
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ("Authorization", "Cookie"))
    return response


class ConditionalRetrieveMixin:
    """`retrieve` with ETag / If-None-Match, after the object (and so the caller's scope) has been checked."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return conditional_response(request, self.get_serializer(instance).data)


class PublicMixin:
    """Public data: no token, no session needed (and none is looked at)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
