"""Media library API under /api/v1/media: upload, list, read, edit, delete images."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from syndicate.errors import FieldError, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from syndicate.media import library
from syndicate.storage import db
from syndicate.web.api import int_arg, json_response, read_json
from syndicate.web.auth import require

blueprint = Blueprint("media_api", __name__, url_prefix="/api/v1")

#: Room for the multipart framing and the alt and caption fields around the file itself.
FORM_OVERHEAD = 64 * 1024


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"file: the image is larger than the limit of {limit} bytes (SYNDICATE_MAX_IMAGE_BYTES)",
        errors=[{"field": "file", "message": f"must be at most {limit} bytes"}],
    )


#: The endpoints that take an image upload (the API's and the desk's).
UPLOAD_ENDPOINTS = frozenset({"media_api.upload_media", "desk.upload_media"})


@blueprint.before_app_request
def _upload_limit() -> None:
    """Image uploads may be larger than other requests: raise this request's limit before any
    code reads the form (the desk's CSRF check reads it first), and refuse a body declared
    larger than it at once, unread."""
    if request.endpoint not in UPLOAD_ENDPOINTS:
        return
    limit = current_app.config["SYNDICATE_MAX_IMAGE_BYTES"]
    if request.content_length is not None and request.content_length > limit + FORM_OVERHEAD:
        raise _too_large(limit)
    request.max_content_length = limit + FORM_OVERHEAD


def read_upload() -> tuple[bytes, str, dict[str, str]]:
    """The uploaded file's bytes, its name and the form's other fields; an oversized body is
    refused (413) before it is parsed, whether or not it declares its length."""
    limit = current_app.config["SYNDICATE_MAX_IMAGE_BYTES"]
    if request.content_length is not None and request.content_length > limit + FORM_OVERHEAD:
        raise _too_large(limit)
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType(
            "send the image as multipart/form-data, in the field 'file'",
            errors=[{"field": "file", "message": "is required (multipart/form-data)"}],
        )
    # Werkzeug stops reading past this, also for a chunked body without a length.
    request.max_content_length = limit + FORM_OVERHEAD
    try:
        upload = request.files.get("file")
        fields = {k: v for k, v in request.form.items()}
    except RequestEntityTooLarge:
        raise _too_large(limit) from None
    if upload is None:
        raise ValidationFailed(FieldError("file", "is required"))
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    return data, upload.filename or "", fields


@blueprint.post("/media")
@require("editor")
def upload_media():
    data, filename, form = read_upload()
    texts = library.parse_text_fields(form, partial=False)
    media, created = library.upload(
        db.session(),
        data,
        filename=filename,
        max_pixels=current_app.config["SYNDICATE_MAX_IMAGE_PIXELS"],
        **texts,
    )
    location = url_for("media_api.get_media", media_id=media.id)
    # The same image again: the library already has it (same URL), nothing was added.
    return json_response(library.media_json(media), 201 if created else 200, {"Location": location})


@blueprint.get("/media")
@require("editor")
def list_media():
    page = int_arg("page", 1, low=1, high=1_000_000)
    per_page = int_arg("per_page", current_app.config["SYNDICATE_PAGE_SIZE"], low=1, high=200)
    search = request.args.get("q") or None
    session = db.session()
    rows, total = library.list_page(session, search=search, page=page, per_page=per_page)
    usage = library.usage(session, rows)
    body = {
        "items": [library.media_json(row, usage.get(row.url, 0)) for row in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
    }
    args = {k: v for k, v in request.args.items() if k != "page"}
    if page * per_page < total:
        body["next"] = url_for("media_api.list_media", page=page + 1, **args)
    if page > 1:
        body["previous"] = url_for("media_api.list_media", page=page - 1, **args)
    return json_response(body)


@blueprint.get("/media/<int:media_id>")
@require("editor")
def get_media(media_id: int):
    session = db.session()
    media = library.get(session, media_id)
    return json_response(
        library.media_json(media, library.usage(session, [media]).get(media.url, 0))
    )


@blueprint.patch("/media/<int:media_id>")
@require("editor")
def update_media(media_id: int):
    payload = read_json()
    if not isinstance(payload, dict):
        raise ValidationFailed(FieldError("body", "must be a JSON object"))
    fields = library.parse_text_fields(payload, partial=True)
    return json_response(library.media_json(library.update(db.session(), media_id, fields)))


@blueprint.delete("/media/<int:media_id>")
@require("editor")
def delete_media(media_id: int):
    library.delete(db.session(), media_id, media_dir=current_app.config["SYNDICATE_MEDIA_DIR"])
    return Response(status=204)
