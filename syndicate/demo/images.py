"""Lead images of the demo newsroom, drawn with Pillow: skylines, maps and charts.

Nothing is copied from anywhere and nothing binary is committed: each image is drawn from a
seed (the article's id) when the demo is loaded, so the same article always gets the same
picture (and the same content-addressed URL). ``python -m syndicate.demo.images DIR`` writes
them all as PNG files to look at.
"""

from __future__ import annotations

import io
import random
import sys
import zlib
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = (1200, 675)
#: Which drawing each demo article gets (the alt texts in articles.jsonl describe these).
KINDS = {
    "2023-06-01-hongqiao-yrd-forum-links": "map",
    "2023-06-08-hongqiao-near-zero-carbon-tower": "skyline",
    "2023-06-14-yrd-social-security-card-hongqiao": "bars",
    "2023-06-17-hongqiao-exhibition-shuttle": "map",
    "2023-06-20-minhang-kunshan-robotics-pact": "bars",
    "2023-06-26-kingdom-coffee-yrd-roastery": "line",
    "2023-06-29-air-rail-baggage-expansion": "map",
    "2023-07-03-hongqiao-livestream-trade-pavilion": "bars",
    "2023-07-05-yrd-nev-parts-alliance": "bars",
    "2023-07-10-hongqiao-ip-service-center": "skyline",
    "2023-07-12-yrd-shared-lab-network": "map",
    "2023-07-14-hongqiao-hub-summer-peak": "line",
    "2023-07-17-hongqiao-hq-economy-h1": "skyline",
    "2023-07-19-hongqiao-digital-incubator-third-batch": "bars",
    "2023-07-20-hongqiao-autumn-exhibition-calendar": "map",
}
PALETTES = (
    ((18, 42, 82), (238, 120, 60), (250, 214, 140)),
    ((16, 72, 86), (92, 190, 170), (236, 244, 222)),
    ((56, 30, 84), (214, 96, 120), (252, 222, 190)),
)


def draw(article_id: str) -> bytes:
    """The PNG of ``article_id``'s lead image (a skyline unless ``KINDS`` says otherwise)."""
    seed = zlib.crc32(article_id.encode())
    rng = random.Random(seed)
    palette = PALETTES[seed % len(PALETTES)]
    kind = KINDS.get(article_id, "skyline")
    image = {"skyline": _skyline, "map": _map, "bars": _bars, "line": _line}[kind](rng, palette)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _gradient(top, bottom) -> Image.Image:
    width, height = SIZE
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / (height - 1)
        color = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line((0, y, width, y), fill=color)
    return image


def _skyline(rng: random.Random, palette) -> Image.Image:
    dark, accent, light = palette
    image = _gradient(accent, light)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    draw.ellipse((width - 260, 70, width - 140, 190), fill=light)  # the sun going down
    for layer, shade in ((0.55, 0.55), (0.8, 0.25), (1.0, 0.0)):
        color = tuple(round(c + (255 - c) * shade) for c in dark)
        x = -20
        while x < width:
            w = rng.randint(50, 130)
            h = rng.randint(int(120 * layer), int(460 * layer))
            top = height - h
            draw.rectangle((x, top, x + w, height), fill=color)
            if layer == 1.0:  # windows on the front row
                for wy in range(top + 14, height - 10, 22):
                    for wx in range(x + 10, x + w - 12, 18):
                        if rng.random() < 0.45:
                            draw.rectangle((wx, wy, wx + 7, wy + 10), fill=light)
            x += w + rng.randint(2, 14)
    return image


def _map(rng: random.Random, palette) -> Image.Image:
    dark, accent, light = palette
    width, height = SIZE
    image = Image.new("RGB", SIZE, light)
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 60):  # the grid of a map sheet
        draw.line((x, 0, x, height), fill=(220, 220, 210))
    for y in range(0, height, 60):
        draw.line((0, y, width, y), fill=(220, 220, 210))
    river = [(0, rng.randint(420, 560))]
    for x in range(100, width + 100, 100):
        river.append((x, river[-1][1] + rng.randint(-40, 30)))
    draw.line(river, fill=(120, 170, 220), width=26, joint="curve")
    hub = (width // 2 + rng.randint(-80, 80), height // 2 + rng.randint(-60, 40))
    for _ in range(rng.randint(6, 11)):
        end = (rng.randint(40, width - 40), rng.randint(40, height - 40))
        draw.line((hub, end), fill=dark, width=6)
        draw.ellipse((end[0] - 12, end[1] - 12, end[0] + 12, end[1] + 12), fill=accent)
    draw.ellipse((hub[0] - 26, hub[1] - 26, hub[0] + 26, hub[1] + 26), fill=dark)
    draw.ellipse((hub[0] - 12, hub[1] - 12, hub[0] + 12, hub[1] + 12), fill=light)
    return image


def _axes(draw: ImageDraw.ImageDraw, dark) -> tuple[int, int, int, int]:
    left, top, right, bottom = 110, 70, SIZE[0] - 70, SIZE[1] - 90
    for y in range(bottom, top - 1, -(bottom - top) // 5):
        draw.line((left, y, right, y), fill=(215, 215, 215), width=2)
    draw.line((left, top, left, bottom), fill=dark, width=4)
    draw.line((left, bottom, right, bottom), fill=dark, width=4)
    return left, top, right, bottom


def _bars(rng: random.Random, palette) -> Image.Image:
    dark, accent, _light = palette
    image = Image.new("RGB", SIZE, (250, 250, 247))
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = _axes(draw, dark)
    count = rng.randint(6, 10)
    slot = (right - left) / count
    value = rng.uniform(0.2, 0.4)
    for index in range(count):
        value = min(0.95, max(0.1, value + rng.uniform(-0.05, 0.15)))
        x0 = left + index * slot + slot * 0.18
        x1 = left + (index + 1) * slot - slot * 0.18
        fill = accent if index == count - 1 else dark
        draw.rectangle((x0, bottom - value * (bottom - top), x1, bottom - 2), fill=fill)
    return image


def _line(rng: random.Random, palette) -> Image.Image:
    dark, accent, _light = palette
    image = Image.new("RGB", SIZE, (250, 250, 247))
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = _axes(draw, dark)
    points = []
    value = rng.uniform(0.15, 0.35)
    steps = 12
    for index in range(steps + 1):
        value = min(0.95, max(0.05, value + rng.uniform(-0.06, 0.12)))
        points.append((left + index * (right - left) / steps, bottom - value * (bottom - top)))
    draw.polygon([*points, (right, bottom), (left, bottom)], fill=(235, 228, 220))
    draw.line(points, fill=accent, width=8, joint="curve")
    for x, y in points:
        draw.ellipse((x - 8, y - 8, x + 8, y + 8), fill=dark)
    return image


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0] if args else "demo-images")
    target.mkdir(parents=True, exist_ok=True)
    for article_id in KINDS:
        (target / f"{article_id}.png").write_bytes(draw(article_id))
    print(f"{len(KINDS)} images in {target}")


if __name__ == "__main__":
    main()
