"""Image choice and cached inference for the denoising and super-resolution pages.

Cache keys (streamlit-notes §6): Streamlit hashes big arrays from a sample of their elements,
so no function here hashes an image. Each takes `key`, a tuple naming the image exactly (the
BLAKE2 digest of the uploaded bytes, or the sample's name, plus every setting that produced
the array), and the array itself as an unhashed `_image`. A new upload has a new digest and so
never gets an old result; a control that does not change `key` does not rerun the network.
Models are loaded once per process by convviz.restore (functools.lru_cache). Figures are
cached as resources (shared, never mutated) under the same keys, so moving the zoom box redraws
only the zooms, and a rerun that changed nothing sends the figures it already had.
"""

from __future__ import annotations

import hashlib
import time
from functools import partial

import numpy as np
import streamlit as st

from convviz import restore

from convviz.restoration import baselines

from convviz.restoration import degradation as sr_degradation
from convviz.restoration.image_input import LARGE, SAMPLES, UPLOAD_TYPES, Decoded, decode_image, encode_png, sample_image
from convviz.figures.restoration import crop_figure, feature_figure, panel_figure
from convviz.lessons.denoising import DenoiseSettings
from convviz.ui.cache import restoration_jobs as jobs
from convviz.ui.widgets.layout import show_problem
from convviz.ui.widgets.params import choice_control



def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@st.cache_resource(max_entries=4, ttl=3600, show_spinner="Reading the image…")
def _decode(data_digest: str, _data: bytes, name: str, max_pixels: int, large: str) -> Decoded:
    """One decoded copy per upload, shared (its pixels are read-only): st.cache_data would keep a pickle and
    return a fresh copy on every run, three full-size arrays for a 24 MP photo instead of one (issue 32 item 7)."""
    return decode_image(_data, name, max_pixels=max_pixels, large=large)


@st.cache_data(max_entries=8, show_spinner=False)
def _sample(name: str) -> np.ndarray:
    return sample_image(name)


LOST = ("Your upload is not on this server any more (it restarted or you opened a link): "
        "please upload it again.")


def _fit_defaults(prefix: str, defaults: dict | None) -> None:
    """Set the controls that depend on the kind of picture (issue 32: an upload is taken as already noisy,
    a sample gets noise added) when the visitor switches between a sample and an upload; a link's own
    values stay, since this runs only on the visitor's action."""
    if defaults:
        kind = "upload" if st.session_state.get(f"{prefix}_src") == "upload" else "sample"
        st.session_state.update(defaults.get(kind, {}))


def _asked_for(prefix: str, defaults: dict | None = None) -> None:
    """The visitor chose an image in this session (the select box, or a file dropped or removed): an empty
    upload is then theirs to fill, not one the server lost."""
    st.session_state[f"{prefix}_asked"] = True
    _fit_defaults(prefix, defaults)


def _dropped(prefix: str, defaults: dict | None = None) -> None:
    """A file dropped on the drop zone switches the view to it, whatever sample was showing."""
    _asked_for(prefix)
    if st.session_state.get(f"{prefix}_upload") is not None and st.session_state.get(f"{prefix}_src") != "upload":
        st.session_state[f"{prefix}_src"] = "upload"
        _fit_defaults(prefix, defaults)          # only when the view switches from a sample to the upload


def choose_image(prefix: str, max_pixels: int, default: str = "camera", *, container=None, crop_option: bool = False,
                 defaults: dict | None = None):
    """Sample or upload -> (key, Decoded, label), or None while there is no usable upload.

    The drop zone is always shown beside the sample choice (issue 24), the sample being the default picture;
    dropping a file switches `{prefix}_src` to "upload". A link that says upload while no file is here (a
    restarted server, or someone else's link) says so. A bad upload gets its message and the last good upload
    of this page stays in use. crop_option: offer (URL parameter `large`) to cut out the centre of a large
    upload at full resolution instead of shrinking it. defaults: {"upload": {key: value}, "sample": {...}},
    control values set when the visitor switches to that kind of picture.
    """
    box = container or st
    options = {**SAMPLES, "upload": "Your own image (upload)"}
    pick, drop = box.columns([1, 2])
    source = choice_control("Image", f"{prefix}_src", options, default, container=pick,
                            help="Samples are scikit-image's photos, free to redistribute.",
                            on_change=partial(_asked_for, prefix, defaults))
    limit_mb = st.get_option("server.maxUploadSize")      # .streamlit/config.toml
    upload = drop.file_uploader("Your own image: drop it here", type=UPLOAD_TYPES, key=f"{prefix}_upload",
                                on_change=partial(_dropped, prefix, defaults))
    over = "are shrunk, or cut to their centre (your choice below)" if crop_option else "are shrunk first"
    drop.caption(f"PNG, JPEG, BMP, TIFF, WebP or GIF, up to {limit_mb} MB. Images over "
                 f"{max_pixels / 1e6:g} megapixels {over}. The link holds the settings, "
                 f"not your image: whoever opens it must upload the image again.")
    if source != "upload":
        return ("sample", source), Decoded(_sample(source), [], "sample", (0, 0)), SAMPLES[source]
    large = "shrink"
    if crop_option:
        large = choice_control(f"An image over {max_pixels / 1e6:g} MP", "large", LARGE, "shrink", container=box,
                               horizontal=True, help="Shrinking averages noise away; a full-resolution piece keeps "
                                                     "the photo's own noise for the network to remove.")
    good_key = f"{prefix}_last_good"
    if upload is None:
        st.session_state.pop(good_key, None)
        if st.session_state.get(f"{prefix}_asked"):
            box.info("Upload an image to start (drop it in the box above), or pick a sample.",
                     icon=":material/upload:")
        else:
            box.warning(LOST, icon=":material/cloud_off:")
        return None
    data = upload.getvalue()
    key = ("upload", digest(data), max_pixels, large)
    try:
        decoded = _decode(key[1], data, upload.name, max_pixels, large)
    except ValueError as error:
        show_problem(error, box)
        last = st.session_state.get(good_key)
        if last is None:
            return None
        box.info(f"Still showing your previous image, {last[2]}.", icon=":material/history:")
        return last
    st.session_state[good_key] = (key, decoded, upload.name)
    return key, decoded, upload.name


# --- Denoising -------------------------------------------------------------------------------------

@st.cache_data(max_entries=16, show_spinner=False)
def noisy_input(key: tuple, settings: DenoiseSettings, _image: np.ndarray) -> np.ndarray:
    """The network's input: the image with seeded noise added ("add"), or as it is ("real")."""
    if settings.added:
        return baselines.add_noise(_image, settings.sigma, settings.seed)
    return np.array(_image, dtype=np.float64)                  # writable: torch.from_numpy


@st.cache_data(max_entries=16, show_spinner="Denoising with the network…")
def denoised(key: tuple, sigma: float, _noisy: np.ndarray, ensemble: int = 1) -> tuple[np.ndarray, float]:
    """(restore.denoise(noisy, sigma, ensemble=ensemble), seconds taken)."""
    t0 = time.perf_counter()
    out = restore.denoise(_noisy, sigma, ensemble=ensemble)
    return out, time.perf_counter() - t0


@st.cache_data(max_entries=64, show_spinner="Running the classical filters…")
def classical(key: tuple, method: str, sigma: float, _noisy: np.ndarray) -> tuple[np.ndarray, float]:
    t0 = time.perf_counter()
    out = baselines.classical_denoise(_noisy, method, sigma)
    return out, time.perf_counter() - t0


@st.cache_resource(max_entries=16, show_spinner="Computing the feature maps…")
def feature_view(key: tuple, layer: int, sigma: float, _noisy: np.ndarray):
    """(figure of the channels after `layer`, how many are zero everywhere, the maps' shape (C, H, W))."""
    maps = restore.feature_maps(_noisy, layer, sigma)
    fig, dead = feature_figure(maps, f"layer {layer}: {maps.shape[0]} channels of {maps.shape[2]}×{maps.shape[1]}")
    return fig, dead, maps.shape


@st.cache_data(max_entries=8, show_spinner=False)
def estimated_sigma(key: tuple, _image: np.ndarray) -> float:
    return restore.estimate_noise_sigma(_image)


# --- Super-resolution ------------------------------------------------------------------------------

@st.cache_data(max_entries=16, show_spinner="Upscaling…")
def upscaled(key: tuple, method: str, scale: int, _low: np.ndarray) -> tuple[np.ndarray, float]:
    """(the low-resolution image upscaled by `method`, seconds): nearest, bicubic, srcnn, subpixel."""
    t0 = time.perf_counter()
    if method == "nearest":
        out = baselines.nearest_upscale(_low, scale)
    elif method == "bicubic":
        out = baselines.bicubic_upscale(_low, scale)
    else:
        out = restore.upscale(_low, scale, model=method)
    return out, time.perf_counter() - t0


@st.cache_data(max_entries=16, show_spinner=False)
def low_resolution(key: tuple, scale: int, _image: np.ndarray, degrade: str = "bicubic") -> tuple[np.ndarray, np.ndarray]:
    """(ground truth cropped to a multiple of scale, the input): sr_degradation.degrade, PIL bicubic
    downscaling (baselines.downscale) or note 000's scale×scale average pool."""
    return sr_degradation.degrade(_image, scale, degrade)


def bicubic_input_psnrs(key: tuple, scale: int, _image: np.ndarray, methods: tuple) -> dict[str, float]:
    """{title: PSNR on Y} of each (method, title) upscaling the PIL-bicubic-downscaled input, under the
    same cache keys as the page's default degradation (so switching back costs nothing)."""
    truth, low = low_resolution(key, scale, _image, "bicubic")
    low_key = key + ("known", scale)
    return {title: sr_scores(low_key + (title,), scale, truth, upscaled(low_key, method, scale, low)[0])[0]
            for method, title in methods}


@st.cache_data(max_entries=64, show_spinner=False)
def sr_scores(key: tuple, scale: int, _truth: np.ndarray, _estimate: np.ndarray) -> tuple[float, float]:
    """baselines.sr_scores (PSNR and SSIM on Y, `scale` border pixels shaved) of the image named by key."""
    return baselines.sr_scores(_truth, _estimate, scale)


# --- Shared ----------------------------------------------------------------------------------------

@st.cache_data(max_entries=64, show_spinner=False)
def denoise_scores(key: tuple, _clean: np.ndarray, _estimate: np.ndarray) -> tuple[float, float]:
    """baselines.denoise_scores (PSNR, SSIM) of the image named by key against the clean one."""
    return baselines.denoise_scores(_clean, _estimate)


@st.cache_resource(max_entries=48, show_spinner=False)
def panel(key: tuple, title: str, box: tuple, columns: int, _image: np.ndarray, layout_px: int = 1000):
    """restoration_figures.panel_figure of the image named by key, the zoom box drawn on it."""
    return panel_figure(_image, title, box, columns, layout_px)


@st.cache_resource(max_entries=96, show_spinner=False)
def zoom(key: tuple, title: str, box: tuple, columns: int, _image: np.ndarray, layout_px: int = 1000):
    """restoration_figures.crop_figure: the zoom box of the image named by key, enlarged without smoothing."""
    return crop_figure(_image, box, title, columns, layout_px)


@st.cache_data(max_entries=16, show_spinner=False)
def png_bytes(key: tuple, _image: np.ndarray) -> bytes:
    return encode_png(_image)


def weights_problem(name: str) -> str | None:
    """None when assets/models/<name>.safetensors is there, else a sentence saying it is missing."""
    path = restore.weights_path(name)
    if path.exists():
        return None
    return (f"The weights file `assets/models/{path.name}` is missing, so this network cannot run here. "
            f"It is trained with `python -m convviz.train` (see the model cards in assets/models/).")


@st.cache_resource(show_spinner="Loading the model…")
def model_info(name: str, mtime: float) -> dict:
    """restore.model_info, re-read when the weights file changes (mtime is part of the key)."""
    return restore.model_info(name)


def info_for(name: str) -> dict | None:
    path = restore.weights_path(name)
    if not path.exists():
        return None
    try:
        return model_info(name, path.stat().st_mtime)
    except Exception as error:   # a half-written weights file while training ships a new one
        show_problem(ValueError(f"The weights file {path.name} could not be read: {error}"))
        return None


# --- Full-size runs (issue 32) ---------------------------------------------------------------------

def is_long(image: np.ndarray) -> bool:
    """Over restoration_jobs.SYNC_PIXELS: run as a background job with a progress bar."""
    return image.shape[0] * image.shape[1] > jobs.SYNC_PIXELS


def long_run(key: tuple, work: float, what: str, run, container=None):
    """(result, seconds) of `run(progress)` for `key` once finished; until then None, with the estimate, a
    progress bar, the queue position and Cancel in `container` (restoration_jobs). Started at once; a
    cancelled or failed job waits for "Run again"."""
    done = jobs.result(key)
    if done is not None:
        return done
    box = container or st
    estimate = jobs.estimate_seconds(work, restore.device().type)
    j = jobs.job(key)
    if j is None or j.state == "done":              # a done job whose result was since dropped runs again
        j = jobs.submit(key, jobs.session_id(), work, run)
    if j.state in ("cancelled", "failed"):
        (box.error if j.state == "failed" else box.info)(jobs.status_text(j, estimate), icon=":material/info:")
        box.button("Run again", key="job_again", icon=":material/replay:", on_click=jobs.forget, args=(key,))
        return None
    with box:
        jobs.progress_fragment(key, what, estimate)
    return None
