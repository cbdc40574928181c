"""Pieces every serializer of the API shares: strict input (unknown fields are refused by name), the error body,
and the small references to divisions, calls, clusters and organisations."""

from rest_framework import serializers


class StrictInputMixin:
    """Refuses a body that is not an object, and names every field the operation does not accept (a misspelt
    field would otherwise be silently ignored and the client would believe it saved)."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"__all__": ["请求正文应为 JSON 对象。"]})
        writable = {name for name, field in self.fields.items() if not field.read_only}
        unknown = sorted(set(data) - writable)
        if unknown:
            readonly = [k for k in unknown if k in self.fields]
            errors = {k: ["该字段只读，不能修改。"] if k in readonly else ["不支持该字段。"] for k in unknown}
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictSerializer(StrictInputMixin, serializers.Serializer):
    pass


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="一句中文说明。")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="按字段列出的错误（`__all__` 为整体错误；嵌套字段如 `years.0.total_output`）。",
    )


class DivisionRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="GB/T 2260 六位区划代码")
    name = serializers.CharField()


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CallRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    title = serializers.CharField()


def division_ref(division):
    return {"code": division.code, "name": division.name} if division is not None else None


def city_of(division):
    """The city (设区市) of a county division, read through the already-loaded parent."""
    return division_ref(division.parent) if division is not None and division.parent_id else None
