"""A film streamed from the store with HTTP Range support, so players seek and downloads resume
when the film is in an S3 bucket rather than a local file (Starlette's FileResponse covers that)."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi.responses import Response, StreamingResponse

from shotgraph.storage.protocol import Storage, StoredObject

_SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def content_disposition(filename: str) -> str:
    return f"attachment; filename*=utf-8''{quote(filename)}"


def stored_response(
    store: Storage, stored: StoredObject, range_header: str | None, filename: str
) -> Response:
    """200 with the whole object, 206 with the one range asked for, or 416 for a range past
    the end. A multi-range request gets the whole object, which RFC 9110 allows."""
    headers = {"Accept-Ranges": "bytes", "Content-Disposition": content_disposition(filename)}
    size = stored.size
    span = _parse(range_header, size) if range_header else None
    if span == "unsatisfiable":
        return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    if span is None or size == 0:
        headers["Content-Length"] = str(size)
        return StreamingResponse(store.read(stored.key), media_type="video/mp4", headers=headers)
    start, end = span
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(end - start + 1)
    return StreamingResponse(
        store.read(stored.key, start, end), status_code=206, media_type="video/mp4", headers=headers
    )


def _parse(header: str, size: int) -> tuple[int, int] | str | None:
    """(first, last) byte of a single `bytes=` range; None to send everything."""
    match = _SINGLE_RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(size - length, 0), size - 1
    start = int(first)
    if start >= size:
        return "unsatisfiable"
    end = min(int(last), size - 1) if last else size - 1
    if end < start:
        return None
    return start, end
