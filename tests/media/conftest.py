from __future__ import annotations

import io

import pytest

from tests.support.factories import make_sections
from tests.support.multipart import multipart


@pytest.fixture
def newsroom(client, admin):
    make_sections(client, admin)


@pytest.fixture
def upload(client, editor):
    """POST /api/v1/media with ``data`` as the file; the response."""

    def post(data: bytes, filename: str = "photo.jpg", **fields):
        form = {"file": (io.BytesIO(data), filename), **fields}
        return client.post("/api/v1/media", headers=editor, **multipart(form))

    return post


def media_count(app) -> tuple[int, int]:
    from sqlalchemy import func, select

    from syndicate.storage import db
    from syndicate.storage.models import Media, MediaFile

    with db.database(app).session() as session:
        return (
            session.scalar(select(func.count(Media.id))),
            session.scalar(select(func.count(MediaFile.id))),
        )
