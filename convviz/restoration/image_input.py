"""Images in and out of the restoration pages: uploaded bytes -> float array + notices -> PNG bytes.

`decode_image(data)` turns whatever a person uploads into a float64 array in [0, 1], (H, W) for
grayscale or (H, W, 3) for colour, plus a list of plain-English notices about what was done to
it. Every input it cannot use raises ValueError with a message meant for the page:

    zero bytes                    -> "The file is empty"
    not an image (a renamed .txt) -> "is not an image Pillow can read"
    truncated PNG / JPEG          -> "is cut short (truncated)"
    more than MAX_DECODE_PIXELS   -> refused before decoding (a decompression bomb, or just huge)
    a side under MIN_SIDE pixels  -> refused (1x1, 3-pixel-thin strips)

and every odd but usable input is converted, with a notice:

    16-bit grayscale PNG          -> divided by 65535 (not 255)
    CMYK JPEG                     -> converted to RGB
    palette / RGBA / LA with transparent pixels -> composited on white
    EXIF orientation tag          -> rotated upright (ImageOps.exif_transpose)
    animated GIF / WebP, multi-page TIFF -> the first frame
    more than `max_pixels`        -> downscaled (Lanczos) to fit, with the new size; or, with
                                     large="crop", its centre piece of that many pixels at full resolution

`encode_png(image)` writes a result back: grayscale as 8-bit "L", colour as 8-bit "RGB", same size.
Tested input by input in tests/restoration/test_image_input.py.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageOps

from convviz.restoration.imaging import to_float, to_uint8
from convviz.restoration.inference_queue import DECODING

MIN_SIDE = 8                    # pixels: the denoiser halves the image, SR at x4 needs a few LR pixels
MAX_DECODE_PIXELS = 64_000_000  # refused above this (a 48 MP phone photo is fine; a decompression bomb is not)
MAX_PIXELS = 1_000_000          # default working size: larger images are downscaled to about 1 megapixel
UPLOAD_TYPES = ["png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp", "gif"]


@dataclass(frozen=True)
class Decoded:
    """A decoded upload: pixels (float64, read-only, in [0, 1]) and what was done to get them."""
    pixels: np.ndarray
    notices: list[str] = field(default_factory=list)
    format: str = ""                     # PNG, JPEG, ... as Pillow names it
    original_size: tuple[int, int] = (0, 0)   # (width, height) as stored in the file, before any change

    @property
    def is_gray(self) -> bool:
        return self.pixels.ndim == 2

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of `pixels`."""
        return self.pixels.shape[1], self.pixels.shape[0]


def megapixels(width: int, height: int) -> str:
    return f"{width * height / 1e6:.2g} MP"


_SIGNATURES = {b"\x89PNG": "PNG", b"\xff\xd8": "JPEG", b"GIF8": "GIF", b"BM": "BMP",
               b"II*\0": "TIFF", b"MM\0*": "TIFF", b"RIFF": "WebP"}


def _open(data: bytes, name: str) -> Image.Image:
    if not data:
        raise ValueError(f"The file {name} is empty (0 bytes). Choose the image file itself, not a shortcut.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))          # reads the header only
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValueError(f"{name} was refused: it claims so many pixels that decoding it could exhaust memory "
                         f"(a 'decompression bomb'). {error}") from None
    except Exception:                                      # UnidentifiedImageError, and odd header errors
        kind = next((k for sig, k in _SIGNATURES.items() if data.startswith(sig)), None)
        if kind:
            raise ValueError(f"{name} starts like a {kind} file but is cut short (truncated) or damaged, so it "
                             f"cannot be read. Try saving or exporting the image again.") from None
        raise ValueError(f"{name} is not an image Pillow can read. Upload a PNG, JPEG, BMP, TIFF, WebP or GIF "
                         f"file (a renamed text or PDF file does not work).") from None
    width, height = image.size
    if width * height > MAX_DECODE_PIXELS:
        raise ValueError(f"{name} was refused: {width}×{height} pixels ({megapixels(width, height)}) is more than "
                         f"the {MAX_DECODE_PIXELS / 1e6:g} MP this app decodes. A file this small with that many "
                         f"pixels is a 'decompression bomb'; a real photo this large should be resized first.")
    return image


def _first_frame(image: Image.Image, notices: list[str]) -> None:
    frames = getattr(image, "n_frames", 1)
    if frames > 1:
        image.seek(0)
        kind = "animation" if image.format in ("GIF", "WEBP", "PNG") else "multi-page file"
        notices.append(f"This {image.format} {kind} has {frames} frames; only the first one is used.")


def _load(image: Image.Image, name: str, max_pixels: int | None) -> Image.Image:
    """Decode the pixels (JPEG at a reduced scale when that still gives at least max_pixels)."""
    if image.format == "JPEG" and max_pixels:
        width, height = image.size
        if width * height > 4 * max_pixels:
            factor = math.sqrt(max_pixels / (width * height))
            image.draft(image.mode, (math.ceil(width * factor), math.ceil(height * factor)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValueError(f"{name} was refused as a decompression bomb: {error}") from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ValueError(f"{name} is cut short (truncated) or damaged, so its pixels cannot be read: {error}. "
                         f"Try saving or exporting the image again.") from None
    return image


def _on_white(image: Image.Image, notices: list[str]) -> Image.Image:
    """RGBA / LA: composite on white when any pixel is transparent; drop alpha otherwise."""
    alpha = np.asarray(image.getchannel("A"))
    base = "L" if image.mode == "LA" else "RGB"
    if alpha.min() < 255:
        notices.append(f"{int(np.count_nonzero(alpha < 255)):,} pixels are (partly) transparent; "
                       f"they are shown on a white background.")
        white = Image.new(image.mode, image.size, (255,) * len(image.mode))
        return Image.alpha_composite(white.convert("RGBA"), image.convert("RGBA")).convert(base)
    return image.convert(base)


def _to_array(image: Image.Image, notices: list[str]) -> np.ndarray:
    """Any Pillow mode -> float64 (H, W) or (H, W, 3) in [0, 1]."""
    mode = image.mode
    if mode == "P":
        transparent = "transparency" in image.info
        image = image.convert("RGBA" if transparent else "RGB")
        mode = image.mode
    if mode == "PA":
        image, mode = image.convert("RGBA"), "RGBA"
    if mode in ("RGBA", "LA", "RGBa", "La"):
        image = _on_white(image.convert("RGBA" if mode in ("RGBA", "RGBa") else "LA"), notices)
        mode = image.mode
    if mode == "1":
        return to_float(image.convert("L"))
    if mode.startswith("I;16") or mode == "I":
        values = np.asarray(image).astype(np.float64)
        top = 65535.0 if mode.startswith("I;16") or values.max() > 255 else 255.0
        if mode.startswith("I;16"):
            notices.append("This is a 16-bit grayscale image: values are divided by 65535; the download is 8-bit.")
        return np.clip(values / top, 0.0, 1.0)
    if mode == "F":
        values = np.asarray(image, dtype=np.float64)
        if values.min() < 0 or values.max() > 1:
            notices.append(f"Floating-point pixels range {values.min():g}..{values.max():g}; they are scaled to 0..1.")
            values = (values - values.min()) / max(values.max() - values.min(), 1e-12)
        return values
    if mode == "L":
        return to_float(image)
    if mode == "CMYK":
        notices.append("This is a CMYK (print) image; it is converted to RGB.")
    elif mode != "RGB":
        notices.append(f"Pillow mode {mode} is converted to RGB.")
    return to_float(image.convert("RGB"))


def fit_size(width: int, height: int, max_pixels: int) -> tuple[int, int]:
    """The largest (w, h) with the same aspect ratio and w*h <= max_pixels (unchanged if it fits)."""
    if width * height <= max_pixels:
        return width, height
    factor = math.sqrt(max_pixels / (width * height))
    return max(1, int(width * factor)), max(1, int(height * factor))


def resize(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Lanczos resize of a float image to size=(width, height), per channel in Pillow's float mode."""
    width, height = size
    if pixels.ndim == 3:
        return np.stack([resize(pixels[..., c], size) for c in range(pixels.shape[2])], axis=-1)
    out = Image.fromarray(np.asarray(pixels, dtype=np.float32), mode="F").resize((width, height), Image.LANCZOS)
    return np.clip(np.asarray(out, dtype=np.float64), 0.0, 1.0)


LARGE = {"shrink": "Shrink the whole image", "crop": "Cut out the centre at full resolution"}


def decode_image(data: bytes, name: str = "The file", *, max_pixels: int = MAX_PIXELS, large: str = "shrink") -> Decoded:
    """Uploaded bytes -> Decoded (pixels in [0, 1], notices). ValueError with a page-ready message.

    large: what happens above max_pixels, "shrink" (the whole image, Lanczos) or "crop" (the centre
    piece with the shrunk size, every pixel as stored: a photo's real noise survives).
    One upload is decoded at a time across sessions (convviz.restoration.inference_queue.DECODING): a 19 MB
    PNG of 40 MP needs about 0.5 GB while it is decoded, so memory stays bounded when many arrive.
    """
    with DECODING.turn():
        return _decode(data, name, max_pixels, large)


def _decode(data: bytes, name: str, max_pixels: int, large: str) -> Decoded:
    if large not in LARGE:
        raise ValueError(f"large must be one of {', '.join(LARGE)}, got {large!r}")
    notices: list[str] = []
    image = _open(data, name)
    fmt = image.format or ""
    _first_frame(image, notices)
    stored = image.size
    image = _load(image, name, max_pixels if large == "shrink" else None)
    try:
        upright = ImageOps.exif_transpose(image)
    except Exception:                         # a broken EXIF block: keep the pixels as stored
        upright = image
        notices.append("The EXIF data is damaged; the image is shown as stored (it may be rotated).")
    if _orientation(image) not in (None, 1):
        notices.append(f"The camera stored this photo rotated or mirrored (EXIF orientation {_orientation(image)}); "
                       f"it is shown upright.")
    width, height = upright.size
    if min(width, height) < MIN_SIDE:
        raise ValueError(f"{name} is {width}×{height} pixels; both sides must be at least {MIN_SIDE} pixels "
                         f"for the networks to have something to work on.")
    target = fit_size(width, height, max_pixels)
    if min(target) < MIN_SIDE:
        raise ValueError(f"{name} is {width}×{height} pixels: so long and thin that fitting it into "
                         f"{max_pixels / 1e6:g} MP would leave a side under {MIN_SIDE} pixels. Crop it first.")
    if target != (width, height) and large == "crop":
        left, top = (width - target[0]) // 2, (height - target[1]) // 2
        upright = upright.crop((left, top, left + target[0], top + target[1]))
    elif target != (width, height):           # shrink while still 8-bit: a 48 MP photo never becomes float64
        if upright.mode in ("P", "PA"):
            upright = upright.convert("RGBA" if "transparency" in upright.info or upright.mode == "PA" else "RGB")
        if upright.mode in ("1", "L", "LA", "RGB", "RGBA", "CMYK"):
            upright = upright.convert("L" if upright.mode == "1" else upright.mode).resize(
                target, Image.LANCZOS, reducing_gap=3.0)
    pixels = _to_array(upright, notices)
    if (pixels.shape[1], pixels.shape[0]) != target:  # 16-bit and float modes: resized as arrays
        pixels = resize(pixels, target)
    w0, h0 = _upright_size(stored, image)
    if (w0, h0) != target and large == "crop":
        notices.append(f"The image is {w0}×{h0} pixels ({megapixels(w0, h0)}); its centre {target[0]}×{target[1]} "
                       f"piece is used at full resolution (this page's limit is {max_pixels / 1e6:g} MP), and the "
                       f"result has that size.")
    elif (w0, h0) != target:          # resized here, or decoded at a reduced scale by JPEG draft()
        notices.append(f"The image is {w0}×{h0} pixels ({megapixels(w0, h0)}); it was downscaled to "
                       f"{target[0]}×{target[1]} to stay under this page's limit of {max_pixels / 1e6:g} MP, "
                       f"and the result has that size. Shrinking also averages away noise: choose "
                       f"*{LARGE['crop']}* to see the network on the photo's own pixels.")
    if pixels.ndim == 3 and np.array_equal(pixels[..., 0], pixels[..., 1]) and np.array_equal(pixels[..., 1], pixels[..., 2]):
        pixels = pixels[..., 0]               # an RGB file with R = G = B is grayscale: one plane, 3x faster
        notices.append("The colour channels are identical, so the image is treated as grayscale.")
    pixels = np.ascontiguousarray(pixels, dtype=np.float64)
    pixels.setflags(write=False)
    return Decoded(pixels, notices, fmt, stored)


def _orientation(image: Image.Image):
    try:
        return image.getexif().get(0x0112)
    except Exception:
        return None


def _upright_size(stored: tuple[int, int], image: Image.Image) -> tuple[int, int]:
    """The stored (width, height), swapped when the EXIF orientation turns the image by 90 degrees."""
    return (stored[1], stored[0]) if _orientation(image) in (5, 6, 7, 8) else stored


def encode_png(image: np.ndarray) -> bytes:
    """A float image in [0, 1] as PNG bytes: (H, W) -> mode L, (H, W, 3) -> mode RGB, same size."""
    arr = to_uint8(image)
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] != 3):
        raise ValueError(f"image must be (H, W) or (H, W, 3), got shape {arr.shape}")
    buf = io.BytesIO()
    Image.fromarray(arr, mode="L" if arr.ndim == 2 else "RGB").save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def encode_jpeg(image: np.ndarray, quality: int = 95) -> bytes:
    """A float image in [0, 1] as JPEG bytes (quality 95, 4:4:4 chroma: no colour subsampling), same size."""
    arr = to_uint8(image)
    buf = io.BytesIO()
    Image.fromarray(arr, mode="L" if arr.ndim == 2 else "RGB").save(buf, format="JPEG", quality=quality, subsampling=0)
    return buf.getvalue()


# --- Bundled samples: scikit-image's own photos, loaded from the installed package ---------------

SAMPLES = {
    "camera": "Cameraman (grayscale)",
    "astronaut": "Astronaut (colour)",
    "coffee": "Coffee cup (colour)",
    "chelsea": "Chelsea the cat (colour)",
    "text": "Printed text (grayscale)",
}
SAMPLE_SIDE = 384   # longest side of a sample on the pages: keeps CPU inference to a few seconds


def sample_image(name: str, side: int = SAMPLE_SIDE) -> np.ndarray:
    """A scikit-image sample photo (free to redistribute) as float [0, 1], longest side at most `side`."""
    if name not in SAMPLES:
        raise ValueError(f"sample must be one of {', '.join(SAMPLES)}, got {name!r}")
    from skimage import data

    pixels = to_float(getattr(data, name)())
    height, width = pixels.shape[:2]
    if max(height, width) > side:
        factor = side / max(height, width)
        pixels = resize(pixels, (round(width * factor), round(height * factor)))
    pixels = np.ascontiguousarray(pixels)
    pixels.setflags(write=False)
    return pixels
