"""AppTest for the denoising and super-resolution pages: samples, controls, every bad upload, bad links.

Uploads go in through the real file_uploader widget (streamlit-notes §5). Images are small
(48×40) so that each run costs well under a second once the models are loaded; the default
samples are computed once per process (st.cache_data is shared by the AppTests of a process).
"""

import functools
import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from convviz import restore

from convviz.restoration import baselines, imaging
from skimage import data as skdata

from tests.support import assert_clean, open_page, text_of

ROOT = Path(__file__).resolve().parents[2]
DENOISE, SR = "pages/denoising.py", "pages/super_resolution.py"
needs_denoiser = pytest.mark.skipif(not restore.weights_path(restore.DENOISER).exists(),
                                    reason="assets/models/ffdnet_gray.safetensors is not shipped")


def page(path, **query):
    return open_page(path, **query)


def messages(at, kind):
    return " ".join(e.value for e in getattr(at, kind))


def save(image: Image.Image, fmt="PNG", **kw) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt, **kw)
    return buf.getvalue()


def photo(h=40, w=48, gray=False) -> Image.Image:
    """A small seeded 'photo': smooth shapes plus texture, so that denoising has something to keep."""
    r, c = np.mgrid[0:h, 0:w]
    base = 0.5 + 0.3 * np.sin(r / 5) * np.cos(c / 7) + 0.2 * ((r - h / 2) ** 2 + (c - w / 2) ** 2 < 100)
    rgb = np.stack([base, base[::-1], np.full_like(base, 0.4)], -1)
    arr = np.round(np.clip(base if gray else rgb, 0, 1) * 255).astype(np.uint8)
    return Image.fromarray(arr)


def bomb_header() -> bytes:
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 30_000, 30_000, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


GOOD_PNG = save(photo())
BAD_UPLOADS = {
    "zero-byte": (b"", "empty"),
    "text renamed .png": (b"hello, this is not an image\n" * 10, "not an image"),
    "truncated PNG": (GOOD_PNG[: len(GOOD_PNG) // 2], "truncated"),
    "truncated JPEG": (save(photo(), "JPEG")[:300], "truncated"),
    "decompression bomb": (bomb_header(), "decompression bomb"),
    "1x1": (save(Image.new("RGB", (1, 1))), "at least 8 pixels"),
    "very thin": (save(Image.new("L", (300, 3), 90)), "at least 8 pixels"),
}


def exif_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6
    return save(photo(), "JPEG", quality=95, exif=exif.tobytes())


def gif() -> bytes:
    frames = [photo(gray=True).convert("P"), Image.new("P", (48, 40), 3)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    return buf.getvalue()


def rgba() -> bytes:
    arr = np.dstack([np.asarray(photo()), np.full((40, 48), 100, np.uint8)])
    return save(Image.fromarray(arr, "RGBA"))


ODD_UPLOADS = {   # usable, with a notice on the page
    "16-bit PNG": (lambda: save(Image.fromarray((np.asarray(photo(gray=True)).astype(np.uint16) * 257))), "16-bit"),
    "CMYK JPEG": (lambda: save(photo().convert("CMYK"), "JPEG"), "CMYK"),
    "palette with transparency": (lambda: palette_png(), "white"),
    "RGBA": (rgba, "transparent"),
    "EXIF-rotated JPEG": (exif_jpeg, "upright"),
    "animated GIF": (gif, "first one"),
}


def palette_png() -> bytes:
    image = photo().convert("P")
    return save(image, transparency=image.getpixel((0, 0)))    # the top-left pixel's colour is transparent


def upload(at, key, data, name="x.png", mime="image/png"):
    at.file_uploader(key=key).set_value((name, data, mime)).run()
    return at


# --- Denoising ------------------------------------------------------------------------------------

@needs_denoiser
def test_denoise_default_sample_beats_the_noisy_input():
    at = page(DENOISE)
    assert_clean(at)
    assert not at.error
    body = text_of(at)
    assert "Cameraman" in body and "σ = 25" in body and "Denoised in" in body
    for method in ["Gaussian blur", "Median filter", "Total variation", "Non-local means", "| Network |"]:
        assert method in body
    psnr = {m.label: m.value for m in at.metric}
    assert float(psnr["Network PSNR"].split()[0]) > 24            # noisy input is 20.6 dB at sigma 25
    assert at.get("download_button")
    assert "parameters" in body and ("not measured yet" in body or "BSD68" in body)   # the card's numbers, or that there are none


@needs_denoiser
def test_denoise_changed_controls():
    at = page(DENOISE)
    at.slider(key="sigma").set_value(50)
    for key, value in dict(seed=3, layer=4, zs=32).items():
        at.number_input(key=key).set_value(value)
    at.run()                                                      # one rerun: one more network run, not four
    assert_clean(at)
    body = text_of(at)
    assert "σ = 50 (seed 3)" in body and "after layer 4" in body and "32×32 pixels" in " ".join(c.value for c in at.caption)


@needs_denoiser
def test_denoise_real_noise_mode_estimates_sigma():
    at = page(DENOISE, noise="real", dn_src="text")            # the smallest sample: two network runs
    assert_clean(at)
    assert "estimated noise level" in text_of(at)
    assert not at.metric                                          # no clean image: no PSNR
    at.toggle(key="own_sigma").set_value(True).run()
    at.number_input(key="sigma_net").set_value(30).run()
    assert_clean(at)
    assert "told σ = 30.0" in text_of(at)


@needs_denoiser
def test_denoise_self_ensemble_toggle(monkeypatch):
    """The toggle runs restore.denoise with ensemble=4, says so, keeps it in the URL, and a link reopens it."""
    calls = []
    real = restore.denoise
    monkeypatch.setattr(restore, "denoise", lambda *a, **k: calls.append(k.get("ensemble", 1)) or real(*a, **k))
    at = page(DENOISE, dn_src="text", seed="77")
    assert "the network ran once." in text_of(at) and calls == [1]
    at.toggle(key="ensemble").set_value(True).run()
    assert_clean(at)
    assert calls == [1, 4] and "ran 4 times (once per rotation)" in text_of(at)
    assert "| Network, 4 rotations averaged |" in text_of(at)                     # the scores table says which run it was
    assert at.query_params["ensemble"] in ("true", ["true"])
    reopened = page(DENOISE, dn_src="text", seed="77", ensemble="true")
    assert reopened.toggle(key="ensemble").value and "4 times" in text_of(reopened)
    assert calls == [1, 4]                                        # same image and settings: the cached result


@needs_denoiser
def test_denoise_upload_then_every_bad_upload_keeps_the_good_result():
    at = page(DENOISE, dn_src="upload", noise="add")
    assert_clean(at)
    assert "Your upload is not on this server any more" in messages(at, "warning")   # a link: no file here
    assert "up to 20 MB" in " ".join(c.value for c in at.caption)   # server.maxUploadSize in .streamlit/config.toml
    upload(at, "dn_upload", GOOD_PNG, "good.png")
    assert_clean(at)
    assert at.selectbox(key="noise").value == "add"           # the link's choice stays (it already showed an upload)
    assert "**good.png**, 48×40 pixels, colour" in text_of(at) and at.metric
    for kind, (data, words) in BAD_UPLOADS.items():
        upload(at, "dn_upload", data, f"bad {kind}.png")
        assert_clean(at)
        assert words in messages(at, "error"), kind
        assert "previous image, good.png" in messages(at, "info"), kind
        assert "**good.png**" in text_of(at) and at.metric, kind


@pytest.mark.parametrize("kind", list(BAD_UPLOADS))
@pytest.mark.parametrize("path, source, key", [
    pytest.param(DENOISE, "dn_src", "dn_upload", marks=needs_denoiser, id="denoise"),
    pytest.param(SR, "sr_src", "sr_upload", id="sr")])
def test_bad_first_upload_gives_a_message(kind, path, source, key):
    data, words = BAD_UPLOADS[kind]
    at = upload(page(path, **{source: "upload"}), key, data)
    assert_clean(at)
    assert words in messages(at, "error")
    assert not at.metric and "| Bicubic |" not in text_of(at)        # no result
    assert "parameters" in text_of(at)                               # the model section is still there


@pytest.mark.parametrize("kind", list(ODD_UPLOADS))
@pytest.mark.parametrize("path, query, key", [
    pytest.param(DENOISE, dict(dn_src="upload", noise="add"), "dn_upload", marks=needs_denoiser, id="denoise"),
    pytest.param(SR, dict(sr_src="upload", scale="2"), "sr_upload", id="sr")])
def test_odd_uploads_work_with_a_notice(kind, path, query, key):
    make, words = ODD_UPLOADS[kind]
    at = upload(page(path, **query), key, make())
    assert_clean(at)
    assert not at.error
    assert words in messages(at, "info"), messages(at, "info")
    if path == DENOISE:
        assert at.metric                                              # scored against the clean upload
    else:
        assert "is upscaled ×2" in text_of(at) and at.get("download_button")


@needs_denoiser
def test_results_are_keyed_on_the_image_bytes_and_the_settings(monkeypatch):
    """A new upload gets a new result (same size, different pixels); zooming does not rerun the network."""
    calls = []
    real = restore.denoise
    monkeypatch.setattr(restore, "denoise", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = np.asarray(photo(36, 44), dtype=np.uint8)
    at = upload(page(DENOISE, dn_src="upload", noise="add", seed="4321"), "dn_upload", save(Image.fromarray(first)), "a.png")
    psnr_a = at.metric[0].value
    assert len(calls) == 1
    at.number_input(key="zx").set_value(20).run()
    at.number_input(key="zs").set_value(16).run()
    assert len(calls) == 1                                        # zoom changes: cached result reused
    second = first.copy()
    second[::2] = 255 - second[::2]                               # same size, other content
    upload(at, "dn_upload", save(Image.fromarray(second)), "a.png")
    assert len(calls) == 2 and at.metric[0].value != psnr_a
    at.slider(key="sigma").set_value(10).run()
    assert len(calls) == 3                                        # a setting the network sees: rerun


@pytest.fixture
def offered(monkeypatch):
    """Records every image the page offers for download: (the array, its file stem)."""
    from convviz.ui.widgets import downloads
    seen = []
    real = downloads.image_downloads
    monkeypatch.setattr(downloads, "image_downloads", lambda image, stem, *a, **k: (seen.append((image, stem)),
                                                                                    real(image, stem, *a, **k))[1])
    return seen


def finish_jobs():
    from convviz.ui.cache import restoration_jobs as jobs
    for key in list(jobs.JOBS):
        jobs.wait(key, timeout=300)


@needs_denoiser
def test_denoise_full_size_noisy_photo_with_defaults(offered):
    """Issue 32: a noisy colour photo over the page's quick size runs at its own size as a job with a progress
    bar, and with the default settings downloads at that size, at least 4 dB closer to the clean photo."""
    clean = np.asarray(Image.fromarray(skdata.astronaut()).resize((800, 600), Image.LANCZOS)) / 255.0   # 0.48 MP
    noisy8 = np.clip(np.round((clean + np.random.default_rng(0).standard_normal(clean.shape) * 25 / 255) * 255), 0, 255)
    at = upload(page(DENOISE), "dn_upload", save(Image.fromarray(noisy8.astype(np.uint8))), "mine.png")
    assert_clean(at)
    assert at.selectbox(key="noise").value == "real"
    assert at.get("progress") and "Denoising at full size" in at.get("progress")[0].proto.text
    finish_jobs()
    at.run()
    assert_clean(at)
    image, stem = offered[-1]
    assert image.shape == clean.shape and stem.startswith("mine_denoised_sigma")
    assert imaging.psnr(clean, image) >= imaging.psnr(clean, noisy8 / 255) + 4


@needs_denoiser
def test_denoise_own_photo_is_taken_as_already_noisy():
    noisy = np.asarray(photo(), dtype=np.float64) + np.random.default_rng(0).normal(0, 15, (40, 48, 3))
    at = upload(page(DENOISE, dn_src="upload"), "dn_upload", save(Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))))
    assert_clean(at)
    assert at.selectbox(key="noise").value == "real"
    assert "estimated noise level" in text_of(at) and "Denoised in" in text_of(at)
    assert at.get("download_button")


@pytest.mark.parametrize("path, query, words", [
    (DENOISE, dict(sigma="999"), "sigma='999' is outside"),
    (DENOISE, dict(noise="loud"), "not one of"),
    (DENOISE, dict(dn_src="lena"), "not one of"),
    (DENOISE, dict(layer="abc"), "layer='abc' is not a number"),
    (DENOISE, dict(zs="1"), "zs='1' is outside"),
    (SR, dict(scale="5"), "scale='5' is not one of"),
    (SR, dict(mode="magic"), "not one of"),
    (SR, dict(zx="-3"), "zx='-3' is outside"),
])
def test_bad_url_values(path, query, words):
    at = page(path, **query)
    assert_clean(at)
    assert words in messages(at, "warning")


@pytest.mark.parametrize("path, query, missing, kind, still_there", [
    (DENOISE, dict(dn_src="text"), "ffdnet_gray", "error", "Non-local means"),   # the classical filters still run
    (SR, dict(sr_src="camera"), "srcnn_x3", "warning", "| Bicubic |"),           # and the baselines
])
def test_missing_weights_say_so_and_the_rest_works(monkeypatch, tmp_path, path, query, missing, kind, still_there):
    monkeypatch.setattr(restore, "MODEL_DIR", tmp_path)
    at = page(path, **query)
    assert_clean(at)
    assert f"{missing}.safetensors` is missing" in messages(at, kind)
    assert still_there in text_of(at)


# --- Super-resolution -----------------------------------------------------------------------------

def test_sr_default_sample_scores_on_y():
    at = page(SR)
    assert_clean(at)
    body = text_of(at)
    assert "PSNR on Y" in body and "| Bicubic |" in body and "| Nearest |" in body
    if restore.weights_path("srcnn_x3").exists():
        assert "| SRCNN |" in body
    assert at.get("download_button")


@pytest.mark.parametrize("scale", ["2", "4"])
def test_sr_other_scales(scale):
    at = page(SR, scale=scale, sr_src="camera")
    assert_clean(at)
    assert f"shrunk by {scale}" in text_of(at)
    if restore.weights_path(f"srcnn_x{scale}").exists():             # SRCNN has weights for every scale
        assert "| SRCNN |" in text_of(at) and "SRCNN" not in messages(at, "warning")


def test_sr_small_upload_is_upscaled_directly():
    at = upload(page(SR, sr_src="upload", scale="2"), "sr_upload", GOOD_PNG, "small.png")
    assert_clean(at)
    assert "48×40 is upscaled ×2 to 96×80" in text_of(at) and "PSNR on Y" not in text_of(at)
    at.selectbox(key="mode").set_value("known").run()
    assert_clean(at)
    assert "to **24×20**" in text_of(at) and "PSNR on Y" in text_of(at)


def test_sr_too_small_to_downscale_falls_back_to_direct():
    at = upload(page(SR, sr_src="upload", scale="4", mode="known"), "sr_upload", save(photo(20, 20)))
    assert_clean(at)
    assert "too small to downscale by 4" in messages(at, "warning")


def test_sr_every_bad_upload_keeps_the_good_result():
    at = upload(page(SR, sr_src="upload"), "sr_upload", GOOD_PNG, "good.png")
    for kind, (data, words) in BAD_UPLOADS.items():
        upload(at, "sr_upload", data, f"bad {kind}.png")
        assert_clean(at)
        assert words in messages(at, "error"), kind
        assert "**good.png**" in text_of(at), kind


# --- The degradation choice: bicubic (default) or note 000's average pool ----------------------------

def psnr_table(at) -> dict:
    """{method: PSNR on Y as shown} from the page's score table."""
    table = next(m.value for m in at.markdown if m.value.startswith("| method | PSNR on Y"))
    return {row.split("|")[1].strip(): float(row.split("|")[2]) for row in table.splitlines()[2:]}


def expected_psnrs(sample, scale, how):
    """Nearest and bicubic PSNR on Y computed here, without the page, for the degraded sample."""
    from convviz.restoration.image_input import sample_image
    from convviz.restoration.degradation import degrade
    truth, low = degrade(sample_image(sample), scale, how)
    return {"Nearest": baselines.sr_scores(truth, baselines.nearest_upscale(low, scale), scale)[0],
            "Bicubic": baselines.sr_scores(truth, baselines.bicubic_upscale(low, scale), scale)[0]}


def test_sr_default_link_keeps_bicubic_degradation():
    at = page(SR, sr_src="camera")
    assert_clean(at)
    assert "sr_degrade" not in at.query_params and at.segmented_control(key="sr_degrade").value == "bicubic"
    assert "shrunk by 3 with PIL bicubic" in text_of(at) and "average pooling" not in text_of(at)
    shown = psnr_table(at)
    for method, value in expected_psnrs("camera", 3, "bicubic").items():
        assert shown[method] == pytest.approx(value, abs=0.005)
    assert psnr_table(page(SR, sr_src="camera", sr_degrade="bicubic")) == shown     # the explicit default: same numbers


def test_sr_average_pool_changes_every_psnr_and_round_trips_the_url():
    at = page(SR, sr_src="camera")
    before = psnr_table(at)
    at.segmented_control(key="sr_degrade").set_value("average").run()
    assert_clean(at)
    assert at.query_params["sr_degrade"] == "average"
    after = psnr_table(at)
    assert set(after) == set(before) and all(after[m] != before[m] for m in before)   # every method's PSNR moved
    for method, value in expected_psnrs("camera", 3, "average").items():
        assert after[method] == pytest.approx(value, abs=0.005)
    body = text_of(at)
    assert "3×3 average pooling" in body and "F.avg_pool2d(x, 3, stride=3)" in body
    table = next(m.value for m in at.markdown if m.value.startswith("| method | PSNR on Y"))
    for method, value in before.items():                                # the bicubic-input column is the old table
        assert f"| {method} | {after[method]:.2f} |" in table and f"| {value:.2f} | {after[method] - value:+.2f} |" in table
    sentence = next(m.value for m in at.markdown if m.value.startswith("With average-pooled input"))
    first = sentence.split(". ")[0]
    rose = first.split("rose for ")[1].split(" fell for ")[0] if "rose for " in first else ""
    fell = first.split("fell for ")[1] if "fell for " in first else ""
    assert any(abs(after[m] - before[m]) > 0.02 for m in before), (before, after)
    for method in before:
        shown = after[method] - before[method]
        if abs(shown) > 0.02:                                           # clear of rounding: the direction as shown
            assert f"{method} (" in (rose if shown > 0 else fell), (method, shown, sentence)
            assert f"{method} (" not in (fell if shown > 0 else rose), (method, shown, sentence)
    assert "trained on PIL-bicubic-downscaled inputs" in sentence
    reopened = page(SR, sr_src="camera", sr_degrade="average")           # the link alone brings it back
    assert_clean(reopened)
    assert psnr_table(reopened) == after
    at.segmented_control(key="sr_degrade").set_value("bicubic").run()
    assert "sr_degrade" not in at.query_params and psnr_table(at) == before


@pytest.mark.parametrize("value", ["box", "", "AVERAGE", "average;drop"])
def test_sr_bad_degradation_falls_back_to_bicubic(value):
    at = page(SR, sr_src="camera", sr_degrade=value)
    assert_clean(at)
    assert "not one of bicubic, average" in messages(at, "warning")
    assert "with PIL bicubic" in text_of(at)


def test_sr_direct_mode_says_the_degradation_does_not_apply():
    at = upload(page(SR, sr_src="upload", scale="2", sr_degrade="average"), "sr_upload", GOOD_PNG, "small.png")
    assert_clean(at)
    assert "does not apply" in text_of(at) and "PSNR on Y" not in text_of(at)


def test_sr_shrink_notice_does_not_point_to_the_denoising_crop_option():
    """Issue 24: the notice for a shrunk upload named "Cut out the centre", which only denoising offers. Since
    issue 32 the pages shrink only over 16 / 24 MP, so the notice is made by decode_image at a small limit here."""
    from convviz.lessons.super_resolution import without_crop_hint
    from convviz.restoration.image_input import decode_image
    notice = " ".join(decode_image(save(photo(900, 1200)), "big.png", max_pixels=500_000).notices)
    assert "downscaled to" in notice and "Cut out the centre" in notice             # what denoising shows
    assert "downscaled to" in without_crop_hint(notice) and "Cut out the centre" not in without_crop_hint(notice)


# --- Every upload kind through the super-resolution page too (issue 12) ---------------------------


# --- A huge upload is shrunk or cut before any network sees it; the network runs in bounded tiles --

@functools.cache
def huge_png() -> bytes:
    """2400×1800 (4.3 MP) grayscale (one network pass, not three): over every page's limit, GPU or not."""
    return save(photo(1800, 2400, gray=True))


@pytest.fixture
def network_inputs(monkeypatch):
    """Records the pixels of every image a page hands to the networks, and of every tile the nets run on."""
    seen = {"images": [], "tiles": []}
    for name in ("denoise", "upscale"):
        real = getattr(restore, name)
        monkeypatch.setattr(restore, name, lambda image, *a, _real=real, **k: (
            seen["images"].append(image.shape[0] * image.shape[1]), _real(image, *a, **k))[1])
    real_tiled = restore.tiled_apply
    monkeypatch.setattr(restore, "tiled_apply", lambda fn, x, **k: real_tiled(
        lambda t: (seen["tiles"].append(t.shape[-2] * t.shape[-1]), fn(t))[1], x, **k))
    return seen


def assert_bounded(seen, limit):
    assert seen["images"] and max(seen["images"]) <= limit, (seen["images"], limit)
    biggest_tile = (restore.TILE + 2 * 32) ** 2                   # a tile and its overlap on both sides
    assert max(seen["tiles"]) <= biggest_tile, max(seen["tiles"])


@needs_denoiser
def test_denoise_huge_upload_runs_at_full_size_in_bounded_tiles_and_cancels(network_inputs):
    """Issue 32: 2400×1800 goes to the network whole (as a job, in tiles of at most TILE + overlap); Cancel stops
    it at the next tile and offers to run it again; the rest of the page (the classical filters) is there meanwhile."""
    from convviz.ui.cache import restoration_jobs as jobs
    at = upload(page(DENOISE, dn_src="upload"), "dn_upload", huge_png(), "huge.png")
    assert_clean(at)
    assert not messages(at, "info").count("2400×1800 was")              # not shrunk
    assert "**huge.png**, 2400×1800 pixels" in text_of(at) and "The same noisy input" in text_of(at)
    at.button(key="job_cancel").click().run()
    finish_jobs()
    at.run()
    assert_clean(at)
    assert "Cancelled." in messages(at, "info") and at.button(key="job_again")
    assert network_inputs["images"] == [2400 * 1800]
    assert_bounded(network_inputs, 2400 * 1800)
    assert all(j.state != "running" for j in jobs.JOBS.values())


def test_sr_800_by_600_upload_at_x2_downloads_as_1600_by_1200(offered):
    """Issue 32: an upload is upscaled itself (output = scale × input), at full size, named after what was done."""
    at = upload(page(SR, scale="2"), "sr_upload", save(photo(600, 800)), "trip.png")
    assert_clean(at)
    assert "Enlarges the picture itself by s" in " ".join(c.value for c in at.caption)
    finish_jobs()
    at.run()
    assert_clean(at)
    image, stem = offered[-1]
    assert image.shape == (1200, 1600, 3) and stem == "trip_x2_subpixel"
    assert "1600×1200" in at.download_button(key="download").proto.label


@pytest.mark.parametrize("mode", ["direct", "known"])
def test_sr_huge_upload_runs_in_bounded_tiles(network_inputs, mode):
    at = upload(page(SR, sr_src="upload", scale="2", mode=mode), "sr_upload", huge_png(), "huge.png")
    assert_clean(at)
    finish_jobs()
    at.run()
    assert_clean(at)
    if mode == "direct":
        assert network_inputs["images"] == [2400 * 1800]                 # the upload itself, not shrunk
    assert_bounded(network_inputs, 2400 * 1800)


def test_denoise_and_zoom_settings_are_validated_once_and_hashable():
    from streamlit import cache_data

    from convviz.lessons.denoising import DenoiseSettings, ZoomSettings, sigma_warnings

    real = DenoiseSettings("real", sigma=40, seed=3, own_sigma=None)
    assert (real.sigma, real.seed) == (0, 0) and real.noisy_key == ("real", 0, 0)   # nothing is added
    assert real == DenoiseSettings("real") and hash(real) == hash(DenoiseSettings("real"))
    assert real.net_sigma(7.5) == 7.5 and DenoiseSettings("real", own_sigma=20).net_sigma(7.5) == 20.0
    assert DenoiseSettings("add", 25, 1, own_sigma=20).own_sigma is None and DenoiseSettings().net_sigma() == 25.0
    with pytest.raises(ValueError, match=r"The noise level σ must be a whole number from 0 to 75 \(got 80\)"):
        DenoiseSettings("add", 80)
    with pytest.raises(ValueError, match="The self-ensemble averages 1 or 4 rotations"):
        DenoiseSettings(ensemble=2)
    with pytest.raises(ValueError, match="Noise is add or real"):
        DenoiseSettings("blind")
    assert sigma_warnings(DenoiseSettings("add", 60), 60.0) == [
        "The network was trained for σ from 0 to 55; at σ = 60 it is extrapolating."]
    assert "almost noise-free" in sigma_warnings(real, 1.0)[0]
    assert ZoomSettings().box(512, 512) == (224, 224, 64, 64)
    with pytest.raises(ValueError, match="The zoom box side must be a whole number from 16 to 256"):
        ZoomSettings(side=8)

    calls = []

    @cache_data
    def cached(settings):
        calls.append(settings)
        return settings

    cached(DenoiseSettings()), cached(DenoiseSettings("add", 25, 0, None, 1)), cached(ZoomSettings())
    assert len(calls) == 2


def test_sr_settings_resolve_auto_and_refuse_too_small_images():
    from convviz.lessons.super_resolution import SRSettings, untrained_problem

    s = SRSettings()
    assert s.resolve(True, 512, 512, 160_000) == (SRSettings(3, "known"), None)          # a sample: ground truth
    assert s.resolve(False, 300, 300, 160_000)[0].mode == "direct"                       # a small upload: as it is
    assert s.resolve(False, 5000, 5000, 160_000)[0].mode == "direct"                     # a large one too (issue 32)
    resolved, warning = SRSettings(4, "known").resolve(False, 30, 30, 160_000)
    assert resolved.mode == "direct" and warning.startswith("30×30 pixels is too small to downscale by 4")
    assert SRSettings(2, "known", "average").low_key == ("known", 2, "average")
    assert SRSettings(2, "direct", "average").low_key == ("direct", 2)
    assert hash(SRSettings()) == hash(SRSettings(3, "auto", "bicubic"))
    with pytest.raises(ValueError, match=r"The scale s is 2, 3 or 4 \(got 5\)"):
        SRSettings(5)
    with pytest.raises(ValueError, match="The degradation is one of bicubic, average"):
        SRSettings(degrade="gaussian")
    assert untrained_problem("srcnn", 3, {2: "a", 4: "b"}) == "SRCNN is trained for ×2, ×4 only."
    assert untrained_problem("bicubic", 3, None) is None


# --- Issue 24: the drop zone, the zoom after uploads, a lost upload, the model's internals -------------

PAGES_AND_PREFIXES = [pytest.param(DENOISE, "dn", marks=needs_denoiser, id="denoise"), pytest.param(SR, "sr", id="sr")]


def zoom_values(at) -> tuple[int, int, int]:
    return tuple(at.number_input(key=k).value for k in ("zx", "zy", "zs"))


def drawn_box(at) -> str:
    """The zoom box as the caption under the panels says it is drawn."""
    return next(c.value for c in at.caption if "magenta box" in c.value)


@pytest.mark.parametrize("path, prefix", PAGES_AND_PREFIXES)
def test_first_load_shows_the_drop_zone_beside_the_sample(path, prefix):
    at = page(path)
    assert_clean(at)
    assert at.get("file_uploader") and at.get("file_uploader")[0].proto.id.endswith(f"{prefix}_upload")
    assert at.selectbox(key=f"{prefix}_src").value != "upload" and at.get("plotly_chart")   # the sample is drawn


@pytest.mark.parametrize("path, prefix", PAGES_AND_PREFIXES)
def test_dropping_an_image_switches_the_view_to_it(path, prefix):
    at = upload(page(path), f"{prefix}_upload", GOOD_PNG, "mine.png")
    assert_clean(at)
    assert at.selectbox(key=f"{prefix}_src").value == "upload" and at.query_params[f"{prefix}_src"] in ("upload", ["upload"])
    assert "**mine.png**" in text_of(at)


@needs_denoiser
def test_dropping_a_photo_takes_it_as_noisy_and_a_sample_gets_noise_again():
    """Issue 32: the sample's "add noise" default does not stick to an upload, and each mode says what it does."""
    at = page(DENOISE)
    assert at.selectbox(key="noise").value == "add" and "Adds seeded Gaussian noise" in " ".join(c.value for c in at.caption)
    upload(at, "dn_upload", GOOD_PNG, "mine.png")
    assert_clean(at)
    assert at.selectbox(key="noise").value == "real" and "estimated noise level" in text_of(at)
    assert "removes the noise already in it" in " ".join(c.value for c in at.caption)
    at.selectbox(key="dn_src").set_value("coffee").run()
    assert at.selectbox(key="noise").value == "add" and at.metric


@pytest.mark.parametrize("path, prefix", PAGES_AND_PREFIXES)
def test_zoom_numbers_and_link_are_the_box_drawn_after_uploads(path, prefix):
    """Fails before issue 24: the numbers kept 64 (and the link said nothing) while a 48×40 box was drawn."""
    at = page(path)
    at.number_input(key="zx").set_value(30)
    at.number_input(key="zy").set_value(70)
    at.number_input(key="zs").set_value(32).run()
    scale = 1 if path == DENOISE else 3
    upload(at, f"{prefix}_upload", save(photo(60, 80)), "a.png")          # 80×60 (×3 on super-resolution)
    assert_clean(at)
    if path == SR:
        at.selectbox(key="mode").set_value("direct").run()
    assert zoom_values(at) == (30, 70, 32)                                  # kept, in % of the new image
    x0, y0 = round(0.3 * 80 * scale - 16), round(0.7 * 60 * scale - 16)
    assert f"32×32 {'output ' if path == SR else ''}pixels" in drawn_box(at)
    if path == DENOISE:
        assert f"at x = {x0}, y = {y0}" in drawn_box(at)
    assert (at.query_params["zx"], at.query_params["zy"], at.query_params["zs"]) in (("30", "70", "32"),
                                                                                     (["30"], ["70"], ["32"]))
    at.number_input(key="zs").set_value(256).run()                          # longer than the image: cut to it
    upload(at, f"{prefix}_upload", save(photo(40, 48)), "b.png")            # a second, smaller upload
    assert_clean(at)
    side = 48 * scale
    x, y, zs = zoom_values(at)
    assert zs == side and at.query_params["zs"] in (str(side), [str(side)])
    assert f"{side}×{40 * scale}" in drawn_box(at)
    from convviz.lessons.denoising import ZoomSettings
    assert ZoomSettings(x, y, zs).box(48 * scale, 40 * scale) == ZoomSettings(30, 70, 256).box(48 * scale, 40 * scale)


def test_zoom_fitted_moves_a_clamped_centre_to_the_drawn_one():
    from convviz.lessons.denoising import ZoomSettings
    assert ZoomSettings(0, 100, 64).fitted(512, 256) == ZoomSettings(6, 88, 64)
    assert ZoomSettings(50, 50, 64).fitted(45, 45) in (ZoomSettings(50, 50, 45), ZoomSettings(49, 49, 45))
    for x, y, side, w, h in [(0, 0, 16, 20, 300), (100, 3, 200, 1000, 31), (37, 61, 64, 513, 257)]:
        z = ZoomSettings(x, y, side)
        assert z.fitted(w, h).box(w, h) == z.box(w, h)                      # same box, honest numbers
        assert z.fitted(w, h).fitted(w, h) == z.fitted(w, h)


@pytest.mark.parametrize("path, prefix", PAGES_AND_PREFIXES)
def test_a_link_to_an_upload_that_is_not_here_says_so(path, prefix):
    at = page(path, **{f"{prefix}_src": "upload"})
    assert_clean(at)
    assert ("Your upload is not on this server any more (it restarted or you opened a link): please upload it again."
            in messages(at, "warning"))
    other = page(path)                                                      # picked by hand: nothing was lost
    other.selectbox(key=f"{prefix}_src").set_value("upload").run()
    assert "not on this server" not in messages(other, "warning") and "Upload an image" in messages(other, "info")


INTERNALS = ["ffdnet_gray", "srcnn_x", "subpixel_x", "checkpoint", "AMD EPYC", "Training continues", "training step",
             "threads"]


def main_flow_and_about(at) -> tuple[str, str]:
    """(every text on the page outside "About the model", the text inside it)."""
    about = [e for e in at.expander if e.label == "About the model"]
    assert len(about) == 1, [e.label for e in at.expander]
    inside = [m.value for m in about[0].markdown] + [c.value for c in about[0].caption]
    everything = ([m.value for m in at.markdown] + [c.value for c in at.caption] + [m.label for m in at.metric]
                  + [e.value for kind in ("info", "warning", "success") for e in getattr(at, kind)])
    return "\n".join(t for t in everything if t not in inside), "\n".join(inside)


@pytest.mark.parametrize("path, words", [pytest.param(DENOISE, ["ffdnet_gray", "AMD EPYC", "Training continues"],
                                                      marks=needs_denoiser, id="denoise"),
                                         pytest.param(SR, ["srcnn_x3", "subpixel_x2", "Training continues"], id="sr")])
def test_model_internals_are_in_about_the_model_only(path, words):
    at = page(path)
    assert_clean(at)
    flow, about = main_flow_and_about(at)
    assert [w for w in INTERNALS if w in flow] == [], flow
    for word in words:
        assert word in about
    assert about.count("Training continues") == 1
    if path == DENOISE:
        assert "FFDNet-style" in flow and "weights" in flow


def _torch_check_script():
    from convviz.ui.widgets.layout import torch_check
    torch_check(3.1e-16)
    torch_check(2e-3, "the scatter view")


def test_torch_check_is_one_quiet_line():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_function(_torch_check_script).run()
    assert_clean(at)
    assert at.caption[0].value == "✓ matches PyTorch (max |difference| 3.1e-16)"
    assert at.warning[0].value == "✗ differs from PyTorch (max |difference| 2.0e-03): the scatter view"
