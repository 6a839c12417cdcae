"""Media library costs: processing an upload (decode, orient, strip, renditions) and serving
/media/ through the app's fast path (first request from the database, then from the folder).

    .venv/bin/python -m benchmarks.media_bench [--requests 2000] [--json]

In-process (Flask test client, no HTTP server), on a temporary SQLite instance; the nginx
snippet serves the same folder without the app (tests/publication/test_nginx.py).
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

import orjson
from PIL import Image, ImageDraw
from sqlalchemy import event

from syndicate import create_app
from syndicate.media import processing
from syndicate.storage import db, migrate


def photo(width: int, height: int) -> bytes:
    """A photo-like JPEG (noise and shapes compress like a photo, not like a flat drawing)."""
    image = Image.effect_noise((width, height), 40).convert("RGB")
    draw = ImageDraw.Draw(image)
    for index in range(12):
        x = index * width // 12
        draw.rectangle((x, height // 3, x + width // 20, height), fill=(30 * index % 255, 90, 160))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def time_processing(data: bytes, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        processing.process(data, max_pixels=100_000_000)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.media_bench")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results: dict = {}
    for label, size in (("12 MP JPEG", (4000, 3000)), ("2 MP JPEG", (1600, 1200))):
        data = photo(*size)
        results[f"process {label} ({len(data) // 1024} KiB)"] = round(time_processing(data), 3)

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        url = f"sqlite:///{root / 'bench.db'}"
        engine = db.make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        app = create_app(
            {
                "SYNDICATE_DATABASE_URL": url,
                "SYNDICATE_INSTANCE_PATH": str(root / "instance"),
                "SYNDICATE_FEEDS_DIR": str(root / "feeds"),
                "SYNDICATE_QUEUE_URL": "memory:",
                "SYNDICATE_SECRET_KEY": "bench",
            }
        )
        from syndicate.media import library

        with app.app_context(), db.database(app).session() as session:
            media, _ = library.upload(
                session, photo(1600, 1200), filename="p.jpg", max_pixels=10**8
            )
            target = next(f for f in library.media_json(media)["renditions"] if f["width"] == 960)
        client = app.test_client()
        queries = []
        engine = db.database(app).engine
        event.listen(engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
        first = client.get(target["url"])
        results["first request: database queries"] = len(queries)
        etag = first.headers["ETag"]
        for name, headers in (("200", {}), ("304", {"If-None-Match": etag})):
            queries.clear()
            started = time.perf_counter()
            for _ in range(args.requests):
                response = client.get(target["url"], headers=headers)
            elapsed = time.perf_counter() - started
            assert response.status_code == int(name)
            results[f"fast path {name} ({target['bytes'] // 1024} KiB WebP): req/s"] = round(
                args.requests / elapsed
            )
            results[f"fast path {name}: database queries per request"] = (
                len(queries) / args.requests
            )
        db.database(app).dispose()

    if args.json:
        print(orjson.dumps(results, option=orjson.OPT_INDENT_2).decode())
    else:
        for name, value in results.items():
            print(f"{name:60} {value}")


if __name__ == "__main__":
    main()
