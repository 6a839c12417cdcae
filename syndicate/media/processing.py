"""Turn uploaded bytes into the files of a library image, with Pillow.

The upload is decoded completely (a file named ``.jpg`` that is not an image, or a truncated
one, is refused here and never stored), checked against a pixel limit read from the header
before decoding (decompression bombs), turned upright by its EXIF orientation, and then
re-encoded from the pixels alone: EXIF (GPS positions, camera serial numbers), XMP, IPTC,
comments and text chunks are not carried over. Only the ICC colour profile is kept, because
it says how to show the pixels, not anything about the photographer.

The main file keeps the upload's format; renditions for pages are made at a few widths as
WebP and JPEG. Files are named after the SHA-256 of the cleaned main file, so identical
uploads get the same URLs and a URL never names two different images.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

#: Pillow format → (media type, file extension) of the formats the library accepts.
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}
#: Widths of the renditions pages choose from (srcset); never wider than the original.
WIDTHS = (480, 960, 1600)
RENDITION_FORMATS = (("WEBP", "image/webp", "webp"), ("JPEG", "image/jpeg", "jpg"))
# Pillow's own bomb check is process-wide and fixed (~179 MP); ours, from the settings, runs on
# every upload after the header is read and before anything is decoded (``_open``).
Image.MAX_IMAGE_PIXELS = None
KEY_LENGTH = 32  # hex digits of SHA-256: 128 bits, collisions are not a concern
JPEG_QUALITY = 85
WEBP_QUALITY = 80


class ImageRefused(ValueError):
    """The upload cannot become a library image. ``status`` is 415 when it is not a supported
    image at all, 422 when it is one but broken or too large to decode."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class EncodedFile:
    name: str  # e.g. original.jpg, 480.webp
    role: str  # main | rendition
    type: str
    width: int
    height: int
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    key: str
    main: EncodedFile
    renditions: tuple[EncodedFile, ...]

    @property
    def files(self) -> tuple[EncodedFile, ...]:
        return (self.main, *self.renditions)


def process(data: bytes, *, max_pixels: int) -> ProcessedImage:
    """The cleaned main file and the renditions of ``data``; raises ``ImageRefused``."""
    if not data:
        raise ImageRefused(422, "the file is empty")
    image = _open(data, max_pixels)
    pillow_format = image.format
    media_type, extension = FORMATS[pillow_format]
    animated = getattr(image, "n_frames", 1) > 1
    icc = image.info.get("icc_profile")
    if animated:
        # Frames are kept as they are (GIF and WebP animations carry no EXIF orientation).
        main_data = _encode_animation(image, pillow_format)
        still = _pixels_only(image.convert("RGBA"))
    else:
        upright = ImageOps.exif_transpose(image)
        still = _pixels_only(upright)
        main_data = _encode(still, pillow_format, icc)
    key = hashlib.sha256(main_data).hexdigest()[:KEY_LENGTH]
    main = EncodedFile(
        f"original.{extension}", "main", media_type, still.width, still.height, main_data
    )
    return ProcessedImage(key, main, tuple(_renditions(still, icc)))


def _open(data: bytes, max_pixels: int) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data), formats=list(FORMATS))
    except UnidentifiedImageError:
        raise ImageRefused(415, "the file is not a JPEG, PNG, WebP or GIF image") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageRefused(422, f"the image cannot be read: {exc}") from None
    width, height = image.size
    if width < 1 or height < 1:
        raise ImageRefused(422, "the image has no pixels")
    if width * height > max_pixels:
        raise ImageRefused(
            422,
            f"the image is {width}×{height} pixels, more than the limit of {max_pixels:,} "
            "(SYNDICATE_MAX_IMAGE_PIXELS)",
        )
    try:
        image.load()  # decode everything now: a truncated file fails here, not when served
        if getattr(image, "n_frames", 1) > 1:
            for frame in range(image.n_frames):
                image.seek(frame)
                image.load()
            image.seek(0)
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRefused(422, f"the image data is damaged or truncated ({exc})") from None
    return image


def _pixels_only(image: Image.Image) -> Image.Image:
    """A copy holding the pixels (and palette, transparency) and no metadata at all."""
    mode = image.mode
    if mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in mode or "transparency" in image.info else "RGB")
        mode = image.mode
    clean = Image.frombytes(mode, image.size, image.tobytes())
    if mode == "P":
        clean.putpalette(image.getpalette())
    if "transparency" in image.info and mode in ("P", "L", "RGB"):
        clean.info["transparency"] = image.info["transparency"]
    return clean


def _encode(image: Image.Image, pillow_format: str, icc: bytes | None) -> bytes:
    out = io.BytesIO()
    options: dict = {}
    if icc:
        options["icc_profile"] = icc
    if pillow_format == "JPEG":
        image = _opaque(image)
        options.update(quality=90, optimize=True, progressive=True)
    elif pillow_format == "WEBP":
        options.update(quality=90, method=4)
    elif pillow_format in ("PNG", "GIF") and "transparency" in image.info:
        options["transparency"] = image.info["transparency"]
    image.save(out, pillow_format, **options)
    return out.getvalue()


def _encode_animation(image: Image.Image, pillow_format: str) -> bytes:
    frames = []
    durations = []
    for index in range(image.n_frames):
        image.seek(index)
        frames.append(_pixels_only(image.convert("RGBA")))
        durations.append(image.info.get("duration", 100))
    out = io.BytesIO()
    frames[0].save(
        out,
        pillow_format,
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=image.info.get("loop", 0),
        disposal=2,
    )
    return out.getvalue()


def _opaque(image: Image.Image) -> Image.Image:
    """RGB (JPEG has no alpha): transparent areas become white, as on a page."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode in ("RGB", "L") else image.convert("RGB")


def _renditions(image: Image.Image, icc: bytes | None) -> list[EncodedFile]:
    widths = [w for w in WIDTHS if w < image.width] or [image.width]
    has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
    source = image.convert("RGBA" if has_alpha else "RGB")
    files = []
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        scaled = (
            source
            if width == image.width
            else source.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        )
        for pillow_format, media_type, extension in RENDITION_FORMATS:
            out = io.BytesIO()
            options: dict = {"icc_profile": icc} if icc else {}
            if pillow_format == "JPEG":
                _opaque(scaled).save(
                    out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True, **options
                )
            else:
                scaled.save(out, "WEBP", quality=WEBP_QUALITY, method=4, **options)
            files.append(
                EncodedFile(
                    f"{width}.{extension}", "rendition", media_type, width, height, out.getvalue()
                )
            )
    return files
