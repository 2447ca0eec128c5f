"""Denoising and super-resolution in Chromium: a real PNG goes through the upload widget, the
network runs, a PSNR value appears, the download is a PNG of the right size and mode, and a bad
file gets a message instead of a traceback. Screenshots: tests/browser/screenshots/restoration_*.png.

Waits are generous (120 s) because the network runs on the CPU of a shared 2-core machine where a
training job is running too; they wait for text to appear, never for a fixed time.
"""


import re

import numpy as np
import pytest
from PIL import Image
from skimage import data

from convviz import restore
from convviz.testing.serve import wait_for_app

NETWORK_TIMEOUT = 120_000   # ms: first model load plus CPU inference on a busy machine

pytestmark = pytest.mark.skipif(not restore.weights_path(restore.DENOISER).exists(),
                                reason="assets/models/ffdnet_gray.safetensors is not shipped")


def photo_png(path, h=160, w=200):
    """A crop of scikit-image's astronaut (public domain) with visible noise, saved as a real PNG file."""
    rng = np.random.default_rng(0)
    clean = data.astronaut()[60:60 + h, 150:150 + w] / 255.0
    noisy = np.clip(clean + rng.normal(0, 20 / 255, clean.shape), 0, 1)
    Image.fromarray(np.round(noisy * 255).astype(np.uint8)).save(path)
    return path


def open_page(page, url):
    page.goto(url)
    wait_for_app(page, timeout=NETWORK_TIMEOUT)
    assert_no_exception(page)


def assert_no_exception(page):
    assert page.locator("[data-testid='stException']").count() == 0, "an exception box is on the page"


def choose_file(page, path):
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))



def whole_rgb_png_and_phone(page, screenshots, file, size: tuple[int, int], name: str) -> None:
    """The download is an RGB PNG of `size` (the photo whole); the page is screenshot at 1440 and, on a 390×844
    phone, fits its width."""
    result = Image.open(file.path())
    assert result.format == "PNG" and result.size == size and result.mode == "RGB"
    screenshots.save(page, f"{name}_1440.png")
    page.set_viewport_size({"width": 390, "height": 844})
    wait_for_app(page, timeout=NETWORK_TIMEOUT)
    assert page.evaluate("document.querySelector('[data-testid=stMain]').scrollWidth") <= 391
    screenshots.save(page, f"{name}_390.png")


def test_denoise_upload_result_psnr_and_download(page, app_url, screenshots, tmp_path):
    open_page(page, f"{app_url}/denoising?dn_src=upload&noise=add")
    choose_file(page, photo_png(tmp_path / "phone.png"))
    page.get_by_text("Network PSNR").wait_for(timeout=NETWORK_TIMEOUT)
    wait_for_app(page, timeout=NETWORK_TIMEOUT)
    assert_no_exception(page)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "phone.png" in body and "Denoised in" in body
    value = page.locator("[data-testid='stMetric']").first.locator("[data-testid='stMetricValue']").inner_text()
    assert value.endswith("dB") and float(value.split()[0]) > 20
    with page.expect_download(timeout=NETWORK_TIMEOUT) as info:
        page.get_by_role("button", name="Download the denoised image").click()
    result = Image.open(info.value.path())
    assert result.format == "PNG" and result.size == (200, 160) and result.mode == "RGB"
    screenshots.save(page, "restoration_denoise_upload.png")


def test_denoise_self_ensemble_toggle_goes_into_the_link(page, app_url, screenshots):
    open_page(page, f"{app_url}/denoising?dn_src=text&seed=5")
    page.get_by_text("Network PSNR").wait_for(timeout=NETWORK_TIMEOUT)
    metric = page.locator("[data-testid='stMetric']").first.locator("[data-testid='stMetricValue']")
    one_pass = metric.inner_text()
    page.get_by_text("Self-ensemble: average 4 rotations", exact=True).click()   # the label: the switch input is hidden
    page.get_by_text("4 times (once per rotation)").wait_for(timeout=NETWORK_TIMEOUT)
    page.wait_for_url(re.compile(r"ensemble=true"))
    wait_for_app(page, timeout=NETWORK_TIMEOUT)
    assert_no_exception(page)
    assert metric.inner_text() != one_pass                      # the averaged result, scored again
    screenshots.save(page, "restoration_denoise_ensemble.png")


def test_denoise_bad_file_shows_a_message(page, app_url, screenshots, tmp_path):
    open_page(page, f"{app_url}/denoising?dn_src=upload")
    bad = tmp_path / "notes.png"
    bad.write_text("this is a text file renamed to .png\n" * 10)
    choose_file(page, bad)
    page.get_by_text("is not an image Pillow can read").wait_for(timeout=NETWORK_TIMEOUT)
    wait_for_app(page)
    assert_no_exception(page)
    screenshots.save(page, "restoration_denoise_bad_file.png")


def test_denoise_sample_on_a_phone(tabs, app_url, screenshots):
    page = tabs.open(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    try:
        open_page(page, f"{app_url}/denoising")
        page.get_by_text("Network PSNR").wait_for(timeout=NETWORK_TIMEOUT)
        assert_no_exception(page)
        screenshots.save(page, "restoration_denoise_phone.png")
    finally:
        page.close()


def test_sr_upload_shows_psnr_on_y(page, app_url, screenshots, tmp_path):
    open_page(page, f"{app_url}/super_resolution?sr_src=upload&mode=known")
    choose_file(page, photo_png(tmp_path / "small.png", 150, 180))
    page.get_by_text("PSNR on Y (dB)").wait_for(timeout=NETWORK_TIMEOUT)
    wait_for_app(page, timeout=NETWORK_TIMEOUT)
    assert_no_exception(page)
    table = page.locator("[data-testid='stMarkdownContainer'] table").first.inner_text()
    bicubic = next(line for line in table.splitlines() if line.startswith("Bicubic"))
    assert float(bicubic.split("\t")[1]) > 20
    screenshots.save(page, "restoration_sr_upload.png")


# --- Issue 24: the drop zone, the zoom after uploads, the three screen sizes ---------------------------

ZOOM_LABELS = ("Zoom centre x (% of width)", "Zoom centre y (% of height)", "Zoom box side (pixels)")


def zoom_shown(page):
    return tuple(int(page.get_by_label(label, exact=True).input_value()) for label in ZOOM_LABELS)


def drop(page, path, size):
    """A file onto the drop zone; waits for the page to describe it (the drop zone lists the name at once,
    before the run) and to finish its run."""
    choose_file(page, path)
    page.get_by_text(f"{path.name}, {size[0]}×{size[1]} pixels").first.wait_for(timeout=NETWORK_TIMEOUT)
    # an upload is taken as already noisy (issue 32): no PSNR; its own result's download button says its size
    page.get_by_role("button", name=f"Download the denoised image (PNG, {size[0]}×{size[1]}").wait_for(
        timeout=NETWORK_TIMEOUT)
    wait_for_app(page, timeout=NETWORK_TIMEOUT)
    assert_no_exception(page)


def test_denoise_second_upload_keeps_the_zoom_and_the_link_follows(page, app_url, tmp_path):
    """Fails before issue 24: after the second upload the number boxes showed 0 / 0 while the box was drawn
    at the centre (and the next edit moved it to the top-left corner)."""
    from convviz.lessons.denoising import ZoomSettings
    open_page(page, f"{app_url}/denoising")
    assert page.locator("[data-testid='stFileUploaderDropzone']").is_visible()      # the drop zone, on first load
    drop(page, photo_png(tmp_path / "first.png", 160, 200), (200, 160))
    page.wait_for_url(re.compile(r"dn_src=upload"))                                 # dropping switched the view
    for label, value in zip(ZOOM_LABELS, (30, 70, 48)):
        box = page.get_by_label(label, exact=True)
        box.fill(str(value))
        box.press("Enter")
        wait_for_app(page, timeout=NETWORK_TIMEOUT)
    page.wait_for_url(re.compile(r"zx=30.*zy=70.*zs=48"))
    drop(page, photo_png(tmp_path / "second.png", 300, 120), (120, 300))
    expected = ZoomSettings(30, 70, 48).fitted(120, 300)
    assert zoom_shown(page) == (expected.x, expected.y, expected.side)
    x0, y0, w, h = expected.box(120, 300)
    caption = page.get_by_text("The magenta box").inner_text()
    assert f"({w}×{h} pixels at x = {x0}, y = {y0})" in caption
    query = page.url.split("?", 1)[1]
    assert f"zx={expected.x}" in query and f"zy={expected.y}" in query and f"zs={expected.side}" in query
    set_zoom = page.get_by_label(ZOOM_LABELS[2], exact=True)                        # the next edit keeps the centre
    set_zoom.fill("32")
    set_zoom.press("Enter")
    page.wait_for_url(re.compile(r"zs=32"))
    wait_for_app(page, timeout=NETWORK_TIMEOUT)
    assert zoom_shown(page)[:2] == (expected.x, expected.y)


@pytest.mark.parametrize("path", ["denoising", "super_resolution"])
@pytest.mark.parametrize("size, query, name", [((1440, 900), "", "laptop"), ((1920, 1080), "?present=1", "present"),
                                               ((390, 844), "", "phone")])
def test_restoration_pages_at_three_sizes(tabs, app_url, screenshots, path, size, query, name):
    page = tabs.open(viewport={"width": size[0], "height": size[1]})
    try:
        open_page(page, f"{app_url}/{path}{query}")
        wait_for_app(page, timeout=NETWORK_TIMEOUT)
        uploader = page.locator("[data-testid='stFileUploaderDropzone']")
        if name == "present":                                                       # settings folded, picture first
            assert not uploader.is_visible()
            assert page.get_by_text("Settings", exact=True).first.is_visible()
            figure = page.locator("[data-testid='stPlotlyChart']").first.bounding_box()
            assert figure["y"] < size[1], figure
        else:
            assert uploader.is_visible()
        width = page.evaluate("document.querySelector('[data-testid=stMain]').scrollWidth")
        assert width <= size[0] + 1, width                                          # nothing runs off the screen
        screenshots.save(page, f"restoration_{path}_{name}.png")
    finally:
        page.close()


# --- Issue 32: a person's own photo at full size: progress, Cancel, download size, defaults, two screen sizes --------

JOB_TIMEOUT = 600_000      # ms: a 1 MP colour photo through the network on a loaded 2-core CPU


def big_photo_png(path, width, height, noise=25, seed=0):
    """scikit-image's astronaut (public domain) resized to width × height with Lanczos, plus seeded noise of σ `noise`:
    a stand-in for a person's own colour photo, saved as a real PNG."""
    clean = np.asarray(Image.fromarray(data.astronaut()).resize((width, height), Image.LANCZOS), dtype=np.float64)
    noisy = clean + np.random.default_rng(seed).normal(0, noise, clean.shape) if noise else clean
    Image.fromarray(np.clip(np.round(noisy), 0, 255).astype(np.uint8)).save(path)
    return path


def download(page, name_pattern):
    """Waits for the download button (it appears when the job is done), clicks it, returns the download."""
    button = page.get_by_role("button", name=re.compile(name_pattern)).first
    button.wait_for(timeout=JOB_TIMEOUT)
    with page.expect_download(timeout=NETWORK_TIMEOUT) as info:
        button.click()
    return info.value


def test_denoise_defaults_for_a_sample_then_an_upload_at_full_size(tabs, app_url, screenshots, tmp_path):
    """The sample adds noise (PSNR shown); a dropped 1200×900 colour photo is taken as already noisy (σ estimated),
    runs as a background job with a progress bar, and downloads whole as <name>_denoised_sigma<σ>.png."""
    page = tabs.open(viewport={"width": 1440, "height": 900})
    try:
        open_page(page, f"{app_url}/denoising")
        page.get_by_text("Network PSNR").wait_for(timeout=NETWORK_TIMEOUT)
        main = page.locator("[data-testid='stMain']")
        assert "Adds seeded Gaussian noise of σ to the picture" in main.inner_text()     # the sample's default mode
        choose_file(page, big_photo_png(tmp_path / "holiday.png", 1200, 900))
        page.locator("[data-testid='stProgress']").first.wait_for(timeout=NETWORK_TIMEOUT)   # the job's bar
        assert "Denoising at full size" in main.inner_text()
        done = page.get_by_role("button", name="Download the denoised image (PNG, 1200×900, RGB)")
        done.wait_for(timeout=JOB_TIMEOUT)                   # the upload's result (the sample's is 384 px wide)
        page.locator("[data-testid='stProgress']").first.wait_for(state="detached", timeout=NETWORK_TIMEOUT)
        wait_for_app(page, timeout=NETWORK_TIMEOUT)
        assert_no_exception(page)
        body = main.inner_text()
        assert "Leaves the picture as it is" in body and "Network PSNR" not in body     # the upload's default mode
        assert "holiday.png" in body and "1200×900" in body and "Denoised in" in body
        file = download(page, r"Download the denoised image \(PNG, 1200×900, RGB\)")
        assert re.fullmatch(r"holiday_denoised_sigma\d+(\.\d+)?\.png", file.suggested_filename), file.suggested_filename
        whole_rgb_png_and_phone(page, screenshots, file, (1200, 900), "restoration_denoise_fullsize")
    finally:
        page.close()


def test_denoise_cancel_stops_a_running_job(page, app_url, screenshots, tmp_path):
    open_page(page, f"{app_url}/denoising?dn_src=upload")
    choose_file(page, big_photo_png(tmp_path / "long.png", 2400, 1800, seed=1))       # 4.3 MP: minutes here
    page.get_by_text(re.compile(r"Tile \d+ of \d+ done")).wait_for(timeout=NETWORK_TIMEOUT)   # running, not queued
    page.get_by_role("button", name="Cancel").click()
    page.get_by_text("Cancelled.").wait_for(timeout=NETWORK_TIMEOUT)                  # stopped at its next tile
    wait_for_app(page, timeout=NETWORK_TIMEOUT)
    assert_no_exception(page)
    assert page.get_by_role("button", name="Run again").is_visible()
    assert page.locator("[data-testid='stProgress']").count() == 0
    assert page.get_by_role("button", name=re.compile("Download the denoised image")).count() == 0
    screenshots.save(page, "restoration_denoise_cancelled.png")


def test_sr_x2_upload_of_800x600_downloads_1600x1200(tabs, app_url, screenshots, tmp_path):
    """A sample is shrunk first (PSNR shown); an upload is upscaled itself: 800×600 at ×2 comes back 1600×1200."""
    page = tabs.open(viewport={"width": 1440, "height": 900})
    try:
        open_page(page, f"{app_url}/super_resolution?scale=2")
        page.get_by_text("PSNR on Y (dB)").wait_for(timeout=NETWORK_TIMEOUT)           # the sample's default
        main = page.locator("[data-testid='stMain']")
        assert "Shrinks the picture by s, then each method enlarges it back" in main.inner_text()
        choose_file(page, big_photo_png(tmp_path / "street.png", 800, 600, noise=0))
        page.get_by_text("Enlarges the picture itself by s").wait_for(timeout=NETWORK_TIMEOUT)   # the upload's
        # bicubic's button comes at once; the network's replaces it when its job is done
        file = download(page, r"Download the Sub-pixel net result \(PNG, 1600×1200, RGB\)")
        wait_for_app(page, timeout=NETWORK_TIMEOUT)
        assert_no_exception(page)
        assert "PSNR on Y (dB)" not in main.inner_text()                              # no ground truth for it
        assert file.suggested_filename == "street_x2_subpixel.png", file.suggested_filename
        assert page.locator("[data-testid='stProgress']").count() == 0
        whole_rgb_png_and_phone(page, screenshots, file, (1600, 1200), "restoration_sr_fullsize")
    finally:
        page.close()
