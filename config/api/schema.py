"""OpenAPI schema: every operation documents the error responses it can give.

Errors are added here once instead of on every view: 401 and 403 everywhere (the API needs a
signed-in user and scopes by role), 404 on detail routes and paginated lists (an unknown page),
400 on lists with filters and on writes. Views add 409 where an action can conflict.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(),
        "code": serializers.CharField(required=False),
        "subject": serializers.CharField(
            required=False, help_text="what conflicted (409): ticket, appeal, caller_flag, whistle …"
        ),
    },
)
ValidationErrorSerializer = inline_serializer(
    name="ValidationError",
    fields={
        "non_field_errors": serializers.ListField(child=serializers.CharField(), required=False),
    },
)

ERROR_DESCRIPTIONS = {
    "400": "请求参数有误（每个字段一条说明） / invalid input, one message per field",
    "401": "未登录 / not authenticated",
    "403": "无权执行 / not allowed for your role",
    "404": "不存在或不在您的范围内 / not found or outside your scope",
    "409": "与当前状态冲突 / conflicts with the current state",
}

CONFLICT = {409: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["409"])}


class ProjectAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        wanted = set()
        public = any(isinstance(p, AllowAny) for p in self.view.get_permissions())
        if not public:
            wanted |= {"401", "403"}
        if "{" in self.path:
            wanted.add("404")
        if self.method in ("POST", "PUT", "PATCH"):
            wanted.add("400")
        if self.method == "GET" and any(
            getattr(p, "location", "query") == "query" for p in self.get_override_parameters()
        ):
            wanted.add("400")  # a declared query parameter can be invalid
        if self.method == "GET" and self._is_list_view():
            if getattr(self.view, "filterset_class", None) is not None or self.get_filter_backends():
                wanted.add("400")
            if getattr(self.view, "pagination_class", None) is not None:
                wanted.add("404")
        for code in sorted(wanted - set(responses)):
            serializer = ValidationErrorSerializer if code == "400" else ErrorSerializer
            response = self._get_response_for_code(serializer, code, direction=direction)
            response["description"] = ERROR_DESCRIPTIONS[code]
            if code == "400":
                response["content"] = {
                    "application/json": {
                        "schema": {"type": "object", "additionalProperties": True},
                    }
                }
            responses[code] = response
        return responses
