"""The API reads JSON only, within the portal's request size limit, and refuses what it cannot read with a
Chinese message (never a 500)."""

import codecs
import json

from django.conf import settings
from rest_framework import exceptions, parsers, status


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        size = f"{limit / 1024 / 1024:g} MB" if limit and limit >= 1024 * 1024 else f"{limit} 字节"
        super().__init__(f"请求正文过大（上限 {size}），未处理。")


class LimitedJSONParser(parsers.JSONParser):
    """DRF reads the body from the request stream, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check (which guards
    `request.body` only): the same limit is applied here, before anything is read."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context.get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request is not None and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise PayloadTooLarge()
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
            return json.loads(text, parse_constant=_reject_constant)
        except RecursionError:
            raise exceptions.ParseError("请求正文的 JSON 嵌套层数过多。") from None
        except ValueError as exc:
            raise exceptions.ParseError(f"请求正文不是有效的 JSON：{exc}") from None


def _reject_constant(name):
    # NaN and Infinity are not JSON, and no amount in the portal can be one.
    raise ValueError(f"不支持的数值 {name}")
