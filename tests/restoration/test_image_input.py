"""convviz.restoration.image_input: every bad or odd upload named in issue 5, made here with Pillow.

Bytes in; out comes either a ValueError whose message says what is wrong, or the right array
and a notice. All images are tiny, so the whole file runs in about a second.
"""

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from convviz.restoration.image_input import (MAX_DECODE_PIXELS, MIN_SIDE, SAMPLES, decode_image, encode_png, fit_size,
                                 sample_image)


def png(image: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", **kw)
    return buf.getvalue()


def encoded(image: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt, **kw)
    return buf.getvalue()


def ramp(h=24, w=32) -> np.ndarray:
    """A uint8 gray ramp: pixel (r, c) = 7r + 3c, so orientation and values are easy to check."""
    r, c = np.mgrid[0:h, 0:w]
    return (7 * r + 3 * c).astype(np.uint8)


def colour(h=24, w=32) -> np.ndarray:
    g = ramp(h, w)
    return np.stack([g, 255 - g, np.full_like(g, 40)], axis=-1)


def test_gray_png_round_trip_exact():
    g = ramp()
    out = decode_image(png(Image.fromarray(g)))
    assert out.pixels.shape == g.shape and out.is_gray and out.notices == []
    np.testing.assert_array_equal(out.pixels, g / 255.0)
    assert not out.pixels.flags.writeable


def test_colour_png_round_trip_exact():
    rgb = colour()
    out = decode_image(png(Image.fromarray(rgb)))
    np.testing.assert_array_equal(out.pixels, rgb / 255.0)


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "WEBP"])
def test_other_formats_the_issue_names(fmt):
    rgb = colour()
    kw = {"lossless": True} if fmt == "WEBP" else {}
    out = decode_image(encoded(Image.fromarray(rgb), fmt, **kw))
    np.testing.assert_allclose(out.pixels, rgb / 255.0, atol=2 / 255)


def test_zero_byte_file():
    with pytest.raises(ValueError, match="empty"):
        decode_image(b"", "x.png")


def test_text_file_renamed_png():
    with pytest.raises(ValueError, match="not an image"):
        decode_image(b"Dear student,\nthis is a text file renamed to .png\n" * 20, "notes.png")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_file(fmt):
    rng = np.random.default_rng(0)
    data = encoded(Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)), fmt)
    with pytest.raises(ValueError, match="truncated"):
        decode_image(data[: len(data) // 2], f"cut.{fmt.lower()}")


def huge_png_header(width: int, height: int) -> bytes:
    """A valid PNG signature and IHDR claiming width×height, then a tiny IDAT: a decompression bomb's header."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)      # 8-bit grayscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b"")


def test_decompression_bomb_is_refused_before_decoding():
    data = huge_png_header(20_000, 20_000)                               # 400 MP claimed in 100 bytes
    assert len(data) < 200
    with pytest.raises(ValueError, match="decompression bomb"):
        decode_image(data, "bomb.png")


def test_pillow_bomb_error_is_caught_too():
    """Above 2 x Image.MAX_IMAGE_PIXELS Pillow itself raises DecompressionBombError in open()."""
    side = int((2 * Image.MAX_IMAGE_PIXELS) ** 0.5) + 10
    assert side * side > MAX_DECODE_PIXELS
    with pytest.raises(ValueError, match="decompression bomb"):
        decode_image(huge_png_header(side, side), "bomb.png")


def test_16_bit_png_is_scaled_by_65535():
    values = (np.arange(16 * 16, dtype=np.uint16).reshape(16, 16) * 257)    # 0 .. 65535 in steps of 257
    image = Image.fromarray(values)
    assert image.mode == "I;16"
    out = decode_image(png(image))
    assert out.is_gray
    np.testing.assert_allclose(out.pixels, values / 65535.0)
    assert out.pixels.max() == 1.0
    assert any("16-bit" in n for n in out.notices)


def test_cmyk_jpeg_is_converted_to_rgb():
    cmyk = Image.new("CMYK", (16, 16), (0, 255, 255, 0))                 # pure red ink-wise
    out = decode_image(encoded(cmyk, "JPEG", quality=95))
    assert out.pixels.shape == (16, 16, 3)
    r, g, b = out.pixels[8, 8]
    assert r > 0.9 and g < 0.15 and b < 0.15
    assert any("CMYK" in n for n in out.notices)


def test_palette_png_with_transparency_on_white():
    image = Image.new("P", (16, 16), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(1, (0, 0, 8, 16))                                        # left half red, right half index 0
    data = png(image, transparency=0)                                    # index 0 is transparent
    out = decode_image(data)
    np.testing.assert_allclose(out.pixels[0, 0], [1, 0, 0])
    np.testing.assert_allclose(out.pixels[0, 12], [1, 1, 1])            # transparent -> white
    assert any("white" in n for n in out.notices)


def test_rgba_half_transparent_composited_on_white():
    rgba = np.zeros((10, 10, 4), dtype=np.uint8)
    rgba[..., 2] = 255                                                  # blue
    rgba[..., 3] = 128                                                  # half transparent
    out = decode_image(png(Image.fromarray(rgba, "RGBA")))
    expected = np.array([127, 127, 255]) / 255.0                       # 255 + (0 - 255) * 128/255, rounded
    np.testing.assert_allclose(out.pixels[5, 5], expected, atol=1.5 / 255)
    assert any("transparent" in n for n in out.notices)


def test_opaque_rgba_says_nothing():
    rgba = np.dstack([colour(), np.full((24, 32), 255, np.uint8)])
    out = decode_image(png(Image.fromarray(rgba, "RGBA")))
    np.testing.assert_array_equal(out.pixels, colour() / 255.0)
    assert out.notices == []


def test_exif_rotated_jpeg_is_shown_upright():
    """Orientation 6: the stored pixels must be turned 90 degrees clockwise to stand upright."""
    stored = np.zeros((20, 40), dtype=np.uint8)                         # wide as stored
    stored[:, :10] = 255                                                # bright left band
    exif = Image.Exif()
    exif[0x0112] = 6
    out = decode_image(encoded(Image.fromarray(stored), "JPEG", quality=95, exif=exif.tobytes()))
    assert out.pixels.shape == (40, 20)                                 # tall once upright
    assert out.pixels[:10].mean() > 0.9 and out.pixels[20:].mean() < 0.1   # left band turned to the top
    assert any("EXIF orientation 6" in n for n in out.notices)


def test_animated_gif_first_frame():
    frames = [Image.fromarray(np.full((12, 12), v, np.uint8)).convert("P") for v in (0, 128, 255)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    out = decode_image(buf.getvalue())
    assert out.pixels.max() < 0.05                                      # the black first frame
    assert any("3 frames" in n and "first" in n for n in out.notices)


@pytest.mark.parametrize("size", [(1, 1), (3, 200), (200, 3), (MIN_SIDE - 1, MIN_SIDE - 1)])
def test_tiny_and_thin_images_are_refused(size):
    w, h = size
    with pytest.raises(ValueError, match=f"at least {MIN_SIDE} pixels"):
        decode_image(png(Image.new("L", (w, h), 100)), "tiny.png")


def test_smallest_allowed_image():
    out = decode_image(png(Image.new("L", (MIN_SIDE, MIN_SIDE), 100)))
    assert out.pixels.shape == (MIN_SIDE, MIN_SIDE)


def test_large_image_is_downscaled_with_a_notice():
    rgb = np.tile(colour(), (10, 10, 1))                                # 320×240
    out = decode_image(png(Image.fromarray(rgb)), max_pixels=20_000)
    w, h = out.size
    assert w * h <= 20_000 and abs(w / h - 320 / 240) < 0.02
    assert any("320×240" in n and f"{w}×{h}" in n for n in out.notices)


def test_large_jpeg_is_decoded_at_reduced_scale():
    rgb = np.tile(colour(), (20, 20, 1))                                # 640×480
    out = decode_image(encoded(Image.fromarray(rgb), "JPEG"), max_pixels=10_000)
    assert out.pixels.shape[0] * out.pixels.shape[1] <= 10_000
    assert any("640×480" in n for n in out.notices)


def test_rgb_with_equal_channels_becomes_gray():
    g = ramp()
    out = decode_image(png(Image.fromarray(np.dstack([g, g, g]))))
    assert out.is_gray and any("grayscale" in n for n in out.notices)


def test_fit_size():
    assert fit_size(100, 50, 10_000) == (100, 50)
    w, h = fit_size(4000, 3000, 1_000_000)
    assert w * h <= 1_000_000 and (w, h) == (1154, 866)


@pytest.mark.parametrize("shape, mode", [((12, 20), "L"), ((12, 20, 3), "RGB")])
def test_encode_png_same_size_and_mode(shape, mode):
    rng = np.random.default_rng(1)
    img = rng.random(shape)
    back = Image.open(io.BytesIO(encode_png(img)))
    assert back.mode == mode and back.size == (shape[1], shape[0])
    np.testing.assert_array_equal(np.asarray(back), np.round(img * 255).astype(np.uint8))


def test_encode_png_clips_out_of_range():
    back = np.asarray(Image.open(io.BytesIO(encode_png(np.array([[-0.5, 1.5] * 4] * 8)))))
    assert back.min() == 0 and back.max() == 255


def test_encode_png_rejects_four_channels():
    with pytest.raises(ValueError, match="shape"):
        encode_png(np.zeros((8, 8, 4)))


@pytest.mark.parametrize("name", list(SAMPLES))
def test_samples_load_from_scikit_image(name):
    img = sample_image(name)
    assert max(img.shape[:2]) <= 384 and 0 <= img.min() and img.max() <= 1


def test_unknown_sample():
    with pytest.raises(ValueError, match="camera"):
        sample_image("lena")


def test_long_thin_image_that_cannot_be_shrunk_is_refused():
    with pytest.raises(ValueError, match="long and thin"):
        decode_image(png(Image.new("L", (20_000, 9), 50)), "strip.png", max_pixels=100_000)


def test_large_16_bit_png_is_downscaled_as_floats():
    values = np.full((100, 120), 65535, np.uint16)
    out = decode_image(png(Image.fromarray(values)), max_pixels=3_000)
    assert out.pixels.shape[0] * out.pixels.shape[1] <= 3_000
    np.testing.assert_allclose(out.pixels, 1.0, atol=1e-6)


def test_large_image_centre_crop_keeps_full_resolution_pixels():
    g = np.random.default_rng(2).integers(0, 256, (200, 300), dtype=np.uint8)
    out = decode_image(png(Image.fromarray(g)), max_pixels=6_000, large="crop")
    h, w = out.pixels.shape
    assert h * w <= 6_000
    top, left = (200 - h) // 2, (300 - w) // 2
    np.testing.assert_array_equal(out.pixels, g[top:top + h, left:left + w] / 255.0)
    assert any("centre" in n and "full resolution" in n for n in out.notices)
    with pytest.raises(ValueError, match="shrink"):
        decode_image(png(Image.fromarray(g)), large="zoom")
