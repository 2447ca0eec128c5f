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


def test_denoise_sample_on_a_phone(browser, app_url, screenshots):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    try:
        open_page(page, f"{app_url}/denoising")
        page.get_by_text("Network PSNR").wait_for(timeout=NETWORK_TIMEOUT)
        assert_no_exception(page)
        screenshots.save(page, "restoration_denoise_phone.png")
    finally:
        context.close()


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
