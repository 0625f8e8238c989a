"""Your data: export it, import it."""

from __future__ import annotations

from typing import Literal

from ninja import Query, Router

from minNow.errors import responses
from portability import services
from portability.http import download_response
from portability.schemas import ExportDocumentOut, ImportResultOut
from users.auth import AuthenticatedRequest

router = Router(tags=["Your data"])

Format = Literal["json", "csv"]
_DOCUMENT = {"schema": {"$ref": "#/components/schemas/ExportDocumentOut"}}
_CSV = {
    "schema": {"type": "string"},
    "example": ",".join(services.ITEM_FIELDS) + "\n",
}


@router.get(
    "/export",
    response=responses({200: ExportDocumentOut}, 400),
    summary="Download all your data (JSON) or your items (CSV)",
    openapi_extra={"responses": {200: {"content": {"text/csv": _CSV}}}},
)
def export_data(request: AuthenticatedRequest, format: Query[Format] = "json"):
    return download_response(services.export_file(request.auth, format))


@router.post(
    "/import",
    response=responses({200: ImportResultOut}, 400, 413),
    summary="Import an export: a JSON document, or a CSV of items (format=csv or Content-Type text/csv)",
    description="All or nothing: any invalid row is a 400 naming it, and nothing is written. Items that are "
    "already yours (same id) are skipped, so importing the same file twice changes nothing.",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": _DOCUMENT, "text/csv": _CSV}},
    },
)
def import_data(request: AuthenticatedRequest, format: Query[Format | None] = None):
    if format == "csv" or (format is None and request.content_type == "text/csv"):
        return services.import_csv(request.auth, request.body)
    return services.import_json(request.auth, request.body)
