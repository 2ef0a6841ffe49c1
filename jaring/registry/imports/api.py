"""Imports API: post a file, poll its status, fetch its problems and result workbook, commit.

Every list and object goes through ``imports_visible`` (the region restriction); posting and
committing need the ``import_lists`` capability; the workbook download is audited.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from jaring.accounts.permissions import api_capability, signed_in_user
from jaring.audit.door import PersonalPagination
from jaring.audit.models import Channel
from jaring.core.messages import api_detail
from jaring.registry.exports import import_workbook_release
from jaring.registry.imports.problems import ImportFileError
from jaring.registry.imports.services import (
    ImportRequestError,
    import_create,
    import_mapping_save,
    import_summary,
)
from jaring.registry.models import ImportBatch, ImportProblem, ImportStatus, OnExisting
from jaring.registry.selectors import imports_visible
from jaring.registry.tasks import import_enqueue


class ImportInputSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()
    region = serializers.CharField(help_text="Kemendagri code of a kab/kota or desa, e.g. 35.71")
    source_name = serializers.CharField(required=False, allow_blank=True, default="")
    on_existing = serializers.ChoiceField(choices=OnExisting.choices, default=OnExisting.UPDATE)
    dry_run = serializers.BooleanField(default=False)
    sheet = serializers.CharField(required=False, allow_blank=True, default="")
    column_map = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text='JSON object {field: column header}, e.g. {"nik": "No. KTP", "name": "Nama"}; '
        "omitted: the mapping saved for this source, else Jaring's guess.",
    )

    def validate_column_map(self, value: str) -> dict[str, str]:
        if not value:
            return {}
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError as exc:
            raise serializers.ValidationError(f"not JSON: {exc}") from exc
        if not isinstance(parsed, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()
        ):
            raise serializers.ValidationError("expected an object of strings")
        return parsed


class ImportOutputSerializer(serializers.ModelSerializer[ImportBatch]):
    summary = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "file_name",
            "file_sha256",
            "source_name",
            "region",
            "on_existing",
            "dry_run",
            "status",
            "stage",
            "progress_done",
            "progress_total",
            "error_code",
            "error",
            "created_at",
            "finished_at",
            "summary",
        ]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get_summary(self, batch: ImportBatch) -> dict[str, Any] | None:
        if batch.status not in {ImportStatus.CHECKED, ImportStatus.COMMITTED}:
            return None
        return import_summary(batch)


class ImportProblemSerializer(serializers.ModelSerializer[ImportProblem]):
    """A problem: its code and parameters as stored, and its message in both languages."""

    detail = serializers.SerializerMethodField()
    detail_en = serializers.SerializerMethodField()

    class Meta:
        model = ImportProblem
        fields = [
            "sheet",
            "row_number",
            "code",
            "severity",
            "column",
            "params",
            "detail",
            "detail_en",
        ]

    def get_detail(self, problem: ImportProblem) -> str:
        return problem.message.render("id")

    def get_detail_en(self, problem: ImportProblem) -> str:
        return problem.message.render("en")


class ImportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ImportBatch]
):
    serializer_class = ImportOutputSerializer
    door_kind = "import-problems"
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[ImportBatch]:
        return imports_visible(self.request.user)

    def get_permissions(self) -> Sequence[Any]:
        if self.action in {"create", "commit"}:
            return [api_capability("import_lists")()]
        return super().get_permissions()

    @extend_schema(request=ImportInputSerializer, responses={201: ImportOutputSerializer})
    def create(self, request: Request) -> Response:
        data = ImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        upload = values["file"]
        try:
            batch = import_create(
                source=upload,
                file_name=upload.name,
                region_code=values["region"],
                source_name=values["source_name"],
                on_existing=OnExisting(values["on_existing"]),
                dry_run=values["dry_run"],
                user=signed_in_user(request),
                sheet=values["sheet"] or None,
            )
        except ImportRequestError as exc:
            raise ValidationError({"code": exc.code, **api_detail(exc.message)}) from exc
        if values["column_map"]:
            import_mapping_save(batch, values["column_map"])
        import_enqueue(batch.pk, commit=not batch.dry_run)
        batch.refresh_from_db()
        return Response(self.get_serializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ImportProblemSerializer(many=True))
    @action(detail=True)
    def problems(self, request: Request, pk: str) -> Response:
        batch = self.get_object()
        if not signed_in_user(request).capabilities.see_full_nik:
            # A problem quotes the row's values (a NIK's date, the stated birth date).
            raise PermissionDenied(
                "Import problems quote the list's values; they are for roles that see full NIKs."
            )
        problems = ImportProblem.objects.filter(batch=batch).order_by("sheet", "row_number", "id")
        code = request.query_params.get("code")
        if code:
            problems = problems.filter(code=code)
        # Problems quote the rows' values: beyond one page, an export (the door).
        paginator = PersonalPagination()
        page = paginator.paginate_queryset(problems, request, view=self)
        return paginator.get_paginated_response(ImportProblemSerializer(page, many=True).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True)
    def workbook(self, request: Request, pk: str) -> FileResponse:
        batch = self.get_object()
        only_problems = request.query_params.get("all") not in {"1", "true"}
        language: Literal["id", "en"] = "en" if request.query_params.get("lang") == "en" else "id"
        try:
            path = import_workbook_release(
                batch,
                actor=signed_in_user(request),
                channel=Channel.API,
                only_problems=only_problems,
                language=language,
                remote_addr=request.META.get("REMOTE_ADDR"),
            )
        except (ImportRequestError, ImportFileError) as exc:
            raise ValidationError({"code": exc.code, "detail": exc.message.render("id")}) from exc
        return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)

    @extend_schema(request=None, responses=ImportOutputSerializer)
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, pk: str) -> Response:
        batch = self.get_object()
        # Compare-and-set: queued only from "checked" (never twice, never once committed).
        if not import_enqueue(batch.pk, commit=True, expected=(ImportStatus.CHECKED,)):
            raise ValidationError({"detail": "Only a checked import (dry run) can be committed."})
        batch.refresh_from_db()
        return Response(self.get_serializer(batch).data)
