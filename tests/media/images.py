"""Image files for tests, drawn with Pillow (and one PNG header forged by hand)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def drawing(size=(1200, 800), mode="RGB") -> Image.Image:
    image = Image.new(mode, size, "white" if mode != "P" else 0)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rectangle((0, h // 2, w // 3, h), fill="navy" if mode != "P" else 1)
    draw.ellipse((w // 2, 0, w, h // 2), fill="orange" if mode != "P" else 2)
    return image


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def jpeg_with_gps(orientation: int = 6) -> bytes:
    """A 1200x800 JPEG taken "rotated" (EXIF orientation 6) at a GPS position, with a camera
    serial number: everything a photographer's file leaks."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "LeakyCam"  # Make
    exif[0xA431] = "SERIAL-12345"  # BodySerialNumber
    exif[GPS_IFD] = {1: "N", 2: (31.0, 11.0, 47.0), 3: "E", 4: (121.0, 19.0, 8.0)}
    return encode(drawing(), "JPEG", exif=exif, quality=90, comment=b"shot at home")


def png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature and header claiming ``width`` x ``height`` pixels, with a little
    compressed data: a decompression bomb's shape without its size."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    data = zlib.compress(b"\x00" * (width + 1) * 4)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
