"""The media library's part of the OpenAPI document (``syndicate.web.openapi``)."""

from __future__ import annotations

_problem = {"$ref": "#/components/responses/Problem"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    return {str(code): _problem for code in codes}


def media_schemas() -> dict:
    image_type = {"enum": ["image/jpeg", "image/png", "image/webp", "image/gif"]}
    rendition = {
        "type": "object",
        "properties": {
            "url": {"type": "string"},
            "type": {"enum": ["image/webp", "image/jpeg"]},
            "width": {"type": "integer"},
            "height": {"type": "integer"},
            "bytes": {"type": "integer"},
        },
    }
    return {
        "Media": {
            "type": "object",
            "properties": {
                "id": {"type": "integer", "readOnly": True},
                "url": {
                    "type": "string",
                    "readOnly": True,
                    "description": "Root-relative /media/<hash>/original.<ext>: what an "
                    "article's image.url takes. Content-addressed: it never changes meaning.",
                },
                "type": {**image_type, "readOnly": True},
                "bytes": {"type": "integer", "readOnly": True},
                "width": {"type": "integer", "readOnly": True},
                "height": {"type": "integer", "readOnly": True},
                "alt": {"type": "string"},
                "caption": {"type": "string"},
                "filename": {"type": "string", "readOnly": True},
                "renditions": {"type": "array", "readOnly": True, "items": rendition},
                "usage": {
                    "type": "integer",
                    "readOnly": True,
                    "description": "Articles showing it as their lead image (list and read).",
                },
                "created_at": {"type": "string", "format": "date-time", "readOnly": True},
            },
        },
        "MediaText": {
            "type": "object",
            "properties": {"alt": {"type": "string"}, "caption": {"type": "string"}},
            "additionalProperties": False,
        },
    }


def media_paths() -> dict:
    media_id = {"name": "media_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    upload = {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "contentMediaType": "application/octet-stream"},
                        "alt": {"type": "string"},
                        "caption": {"type": "string"},
                    },
                }
            }
        },
    }
    page = {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}
    per_page = {"name": "per_page", "in": "query", "schema": {"type": "integer", "maximum": 200}}
    search = {
        "name": "q",
        "in": "query",
        "schema": {"type": "string"},
        "description": "Only images whose alt text or caption contain this.",
    }
    one = {"description": "Image", **_json(_ref("Media"))}
    return {
        "/api/v1/media": {
            "get": {
                "summary": "List the media library, newest first (paginated)",
                "parameters": [page, per_page, search],
                "responses": {"200": {"description": "Images"}, **_errors(401, 422)},
            },
            "post": {
                "summary": "Upload an image (JPEG, PNG, WebP, GIF): EXIF orientation applied, "
                "metadata stripped, renditions made",
                "requestBody": upload,
                "responses": {
                    "201": {"description": "Stored", **_json(_ref("Media"))},
                    "200": {"description": "The library already had this image", **one},
                    **_errors(401, 413, 415, 422),
                },
            },
        },
        "/api/v1/media/{media_id}": {
            "parameters": [media_id],
            "get": {"summary": "An image", "responses": {"200": one, **_errors(401, 404)}},
            "patch": {
                "summary": "Change an image's alt text or caption",
                "requestBody": {"required": True, **_json(_ref("MediaText"))},
                "responses": {"200": one, **_errors(401, 404, 413, 422)},
            },
            "delete": {
                "summary": "Delete an image no article uses (409 names the articles that do)",
                "responses": {"204": {"description": "Deleted"}, **_errors(401, 404, 409)},
            },
        },
    }
