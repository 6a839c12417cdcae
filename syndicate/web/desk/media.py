"""The media library on the desk: a searchable grid with usage counts, uploads (a plain form,
or ``static/media-picker.js`` with progress), and the JSON the article form's picker reads."""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, request, url_for

from syndicate.errors import SyndicateError
from syndicate.media import library
from syndicate.storage import db
from syndicate.web.desk import blueprint
from syndicate.web.desk.context import _, render, signed_in
from syndicate.web.media_api import read_upload

PER_PAGE = 24


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _page() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def _items(rows) -> list[dict]:
    usage = library.usage(db.session(), rows)
    return [library.media_json(row, usage.get(row.url, 0)) for row in rows]


@blueprint.get("/media")
@signed_in
def media_library():
    search = request.args.get("q", "").strip() or None
    page = _page()
    rows, total = library.list_page(db.session(), search=search, page=page, per_page=PER_PAGE)
    items = _items(rows)
    if _wants_json():  # the article form's picker
        return jsonify({"items": items, "total": total, "page": page})
    args = {"q": search} if search else {}
    return render(
        "desk/media.html",
        items=items,
        total=total,
        search=search or "",
        newer=url_for("desk.media_library", page=page - 1, **args) if page > 1 else None,
        older=url_for("desk.media_library", page=page + 1, **args)
        if page * PER_PAGE < total
        else None,
    )


@blueprint.post("/media")
@signed_in
def upload_media():
    try:
        data, filename, form = read_upload()
        texts = library.parse_text_fields(
            {k: v for k, v in form.items() if k in library.TEXT_FIELDS}, partial=False
        )
        media, created = library.upload(
            db.session(),
            data,
            filename=filename,
            max_pixels=current_app.config["SYNDICATE_MAX_IMAGE_PIXELS"],
            **texts,
        )
    except SyndicateError as exc:
        message = exc.extra.get("errors", [{}])[0].get("message") or exc.detail
        if _wants_json():
            return jsonify({"error": _upload_error(exc.status, message)}), exc.status
        flash(_upload_error(exc.status, message), "error")
        return redirect(url_for("desk.media_library"), 303)
    if _wants_json():
        return jsonify(library.media_json(media)), 201 if created else 200
    flash(
        _("The image was added to the library.")
        if created
        else _("The library already has this image."),
        "success",
    )
    return redirect(url_for("desk.media_library"), 303)


def _upload_error(status: int, message: str) -> str:
    """The refusal in the editor's language (the API's message, in English, is kept as detail)."""
    if status == 422 and message == "is required":
        return _("Choose an image file first.")
    reasons = {
        413: _("The file is too large."),
        415: _("This file is not a JPEG, PNG, WebP or GIF image."),
        422: _("The image cannot be used: it is damaged, truncated or too large to decode."),
    }
    return f"{reasons.get(status, _('The upload failed.'))} ({message})"
