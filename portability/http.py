"""The HTTP answer of an export, the same file for the API and the admin."""

from __future__ import annotations

from django.http import StreamingHttpResponse

from portability.services import Export


def download_response(export: Export) -> StreamingHttpResponse:
    """`export` streamed as a file attachment."""
    response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"  # personal data: no shared cache may keep it
    return response
