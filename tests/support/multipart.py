"""Multipart bodies for the Flask test client, encoded in memory.

Werkzeug's test client spools a body over 500 kB to an anonymous temporary file that nothing
closes, so it is found by the garbage collector later (a ResourceWarning, an error under
``filterwarnings = error``) in whatever test runs then. Encoding the body here avoids it."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart


def multipart(fields: Mapping[str, Any]) -> dict[str, Any]:
    """``client.post(url, **multipart({...}))``; a file is ``(stream or bytes, filename)``."""
    values = {}
    for name, value in fields.items():
        if isinstance(value, tuple):
            stream, filename = value
            if isinstance(stream, bytes):
                stream = io.BytesIO(stream)
            value = FileStorage(stream=stream, filename=filename)
        values[name] = value
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}
