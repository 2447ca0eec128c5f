"""Lesson: a residual CNN removes Gaussian noise; compare it with classical filters (issue 5)."""

import numpy as np
import streamlit as st

from convviz import restore
from convviz.restoration.baselines import DENOISERS
from convviz.restoration.device import device_description
from convviz.figures.restoration import crop, model_card_section, residual_image
from convviz.lessons import denoising as lesson
from convviz.lessons.denoising import NOISE, DenoiseSettings
from convviz.ui.cache import restoration as cached
from convviz.ui.widgets.downloads import image_downloads
from convviz.ui.widgets.figure_first import let_the_browser_draw
from convviz.ui.widgets.layout import about_model, lesson_header, show_problem
from convviz.ui.widgets.params import choice_control, int_control, slider_control, toggle_control
from convviz.ui.widgets.present import chart, presenting, settings_box
from convviz.ui.widgets.zoom import main_figure, side_by_side, zoom_controls, zoom_slot

MAX_PIXELS = lesson.MAX_UPLOAD_PIXELS   # processed at their own size up to this (issue 32); larger: shrunk or cut
NET = restore.DENOISER

lesson_header("Denoising", "A noisy photo is the clean photo plus noise: the network **predicts the noise**, "
                           "and the page subtracts that prediction.")
figure = main_figure()                # the comparison first; filled once the settings below are read

# --- The model (drawn at the end, or alone while there is no image) ------------------------------
def model_section() -> None:
    """What the network is, for students; its file, training and measurements in "About the model"."""
    st.header("The network and how good it is")
    info = cached.info_for(NET)
    if info is None:
        st.warning(cached.weights_problem(NET) or "The network could not be loaded.", icon=":material/block:")
        return
    st.markdown(lesson.model_sentence(info))
    with about_model():
        st.markdown(info["card_summary"])
        st.markdown(lesson.model_text(info))
        st.markdown(f"On this server it runs on {device_description()}.")
        st.markdown(lesson.measured_quality(info))
        if not presenting():
            for heading in ("Learning curve (validation on the 8 held-out Train400 images)", "Where training stands"):
                text = model_card_section(info["card"], heading)
                if text:
                    st.markdown(f"**{heading}**\n\n{text}")
        st.caption(f"From {info['card'].rsplit('/', 1)[-1]} in assets/models/.")


# --- Input ----------------------------------------------------------------------------------------
with settings_box():
    chosen = cached.choose_image("dn", MAX_PIXELS, crop_option=True, defaults=lesson.NOISE_DEFAULTS)
    row = st.columns(3)
    noise = choice_control("Noise", "noise", NOISE, "real" if st.session_state.get("dn_src") == "upload" else "add",
                           container=row[0],
                           help="A photo of your own is taken as already noisy; add noise to score against it.")
    row[0].caption(lesson.NOISE_DOES[noise])
    own_sigma = None
    if noise == "add":
        sigma = slider_control("Noise level σ to add (0–75, on 0–255)", "sigma", 0, 75, 25, step=1, container=row[1])
        seed = int_control("Noise seed", "seed", 0, 9999, 0, container=row[2],
                           help="The same seed gives the same noise, so a link shows the same picture.")
    else:
        sigma, seed = 0, 0
        own = toggle_control("Set σ myself", "own_sigma", container=row[1],
                             help="Otherwise σ is estimated from the image (the finest wavelet band's flattest blocks).")
        own_sigma = int_control("σ given to the network", "sigma_net", 0, 75, 15, container=row[2]) if own else None
    ensemble = 4 if toggle_control(
        "Self-ensemble: average 4 rotations", "ensemble",
        help="Runs the network on the image turned by 0, 90, 180 and 270 degrees, turns each result back and "
             "averages them: about 0.1 dB better on the benchmarks, at 4 times the time.") else 1
settings = DenoiseSettings(noise, sigma, seed, own_sigma, ensemble)     # built once, passed to the cached builders

if chosen is None:
    model_section()
    st.stop()
key, image, label = chosen
for notice in image.notices:
    st.info(notice, icon=":material/info:")
clean = image.pixels
noisy = cached.noisy_input(key, settings, clean) if settings.added else clean
noisy_key = key + settings.noisy_key
estimate = None if settings.added else cached.estimated_sigma(key, clean)
net_sigma = settings.net_sigma(estimate)
st.markdown(lesson.input_text(label, clean.shape, settings, estimate))
for warning in lesson.sigma_warnings(settings, net_sigma):
    st.warning(warning, icon=":material/warning:" if net_sigma > lesson.TRAINED_SIGMA else ":material/visibility:")

# --- The network's result: drawn into the figure at the top, the zooms with their controls here ---
st.header("Noisy in, noise predicted, noise subtracted")
st.markdown("The network does not paint a clean image: it looks at each neighbourhood and predicts the noise there. "
            "Below, four classical filters get exactly the same input, and you can look inside the network's layers.")
missing = cached.weights_problem(NET)
result = None
if missing:
    st.error(missing, icon=":material/block:")
else:
    result_key = noisy_key + (net_sigma, ensemble, "denoised")
    try:
        if cached.is_long(clean):     # a full-size photo: a background job with a progress bar (issue 32)
            work = clean.shape[0] * clean.shape[1] / 1e6 * ensemble * (1 if clean.ndim == 2 else 3)
            done = cached.long_run(result_key, work, "Denoising at full size", lambda progress: restore.denoise(
                noisy, net_sigma, ensemble=ensemble, progress=progress, dtype=np.float32), container=figure)
            result, seconds = done if done is not None else (None, 0.0)
        else:
            result, seconds = cached.denoised(noisy_key, net_sigma, noisy, ensemble)
    except (ValueError, RuntimeError) as error:
        show_problem(ValueError(f"The network could not run on this image: {error}"))
zooms = zoom_slot(figure)
box = zoom_controls(clean.shape[1], clean.shape[0])
panels = ([("clean (original)", key, clean)] if settings.added else []) + [("noisy input", noisy_key, noisy)]
if result is not None:
    residual = residual_image(np.subtract(noisy, result, dtype=np.float32), max(net_sigma, 5))   # float32: 24 MP
    panels += [("denoised by the network", result_key, result),
               ("predicted noise (grey = 0)", result_key + ("residual",), residual)]
with figure:
    side_by_side(panels, box, zooms, compare=("noisy input", "denoised by the network"))
    zooms.caption(f"The magenta box ({box[2]}×{box[3]} pixels at x = {box[0]}, y = {box[1]}) is enlarged in the zooms "
                  "without smoothing; the full panels may be shown reduced, which hides noise.")
let_the_browser_draw()                # the comparison painted before the filters and layers below it
if result is not None:
    runs = f"{ensemble} times (once per rotation)" if ensemble > 1 else "once"
    st.markdown(f":material/timer: Denoised in **{seconds:.2f} s**: the network ran "
                + (f"{runs} on each of the luminance and two colour-difference planes." if clean.ndim == 3
                   else f"{runs}."))
    if settings.added:
        noisy_psnr, noisy_ssim = cached.denoise_scores(noisy_key, clean, np.clip(noisy, 0, 1))
        net_psnr, net_ssim = cached.denoise_scores(result_key, clean, result)
        metric = st.columns(2)
        metric[0].metric("Network PSNR", f"{net_psnr:.2f} dB", f"{net_psnr - noisy_psnr:+.2f} dB vs noisy")
        metric[1].metric("Network SSIM", f"{net_ssim:.3f}", f"{net_ssim - noisy_ssim:+.3f} vs noisy")

# --- Download -------------------------------------------------------------------------------------
if result is not None:
    stem = label.rsplit(".", 1)[0] if key[0] == "upload" else key[1]
    image_downloads(result, lesson.download_stem(stem, net_sigma, ensemble), "the denoised image")

# --- Scores and classical filters -----------------------------------------------------------------
st.header("Against classical filters")
st.markdown("The same noisy input, each filter set from the same σ: a Gaussian blur and a median filter "
            "(local averages that also blur edges), total variation (flat regions, sharp edges) and "
            "non-local means (averages similar patches from anywhere nearby).")
part, f_key, f_box = (lambda img: img), noisy_key, box
if cached.is_long(clean):        # a full-size photo: the filters, scores and layers below work on the zoom box
    part, f_key, f_box = (lambda img: np.ascontiguousarray(crop(img, box))), noisy_key + (box,), (0, 0) + box[2:]
    st.info(lesson.ZOOM_BOX_ONLY, icon=":material/crop:")
methods, method_keys = {}, {}
if result is not None:
    network = lesson.network_title(ensemble)
    methods[network], method_keys[network] = (part(result), seconds), result_key + f_key[len(noisy_key):]
for name, title in DENOISERS.items():
    methods[title], method_keys[title] = cached.classical(f_key, name, net_sigma, part(noisy)), f_key + (net_sigma, name)
clean, noisy, noisy_key, box = part(clean), part(noisy), f_key, f_box
if settings.added:
    noisy_psnr, noisy_ssim = cached.denoise_scores(noisy_key, clean, np.clip(noisy, 0, 1))
    scores = {title: cached.denoise_scores(method_keys[title], clean, img) for title, (img, _) in methods.items()}
    for text in lesson.score_table((noisy_psnr, noisy_ssim), scores, {t: v[1] for t, v in methods.items()}):
        st.markdown(text)
    st.caption("PSNR = 10·log10(1 / MSE) on [0, 1] pixels and SSIM (7×7 window, scikit-image) against the clean "
               "image; colour images are scored on R, G and B together.")
else:
    st.markdown("\n".join(["| method | time (s) |", "|---|---|"] + [f"| {t} | {v[1]:.2f} |" for t, v in methods.items()]))
cols = st.columns(len(methods))
for col, (title, (img, _)) in zip(cols, methods.items()):
    chart(cached.zoom(method_keys[title], title, box, len(methods), img), key=f"method_{title}", container=col)

# --- Feature maps ---------------------------------------------------------------------------------
st.header("What the layers see")
info = cached.info_for(NET)
if info is None:
    st.warning("Feature maps need the network's weights (see above).", icon=":material/block:")
else:
    depth = int(info["config"].get("depth", 12))
    layer = int_control(f"Layer (1–{depth - 1}: each is a 3×3 convolution followed by ReLU)", "layer", 1, depth - 1, 1)
    st.markdown(lesson.feature_text(info, layer, clean.ndim == 3))
    try:
        fig, dead, shape = cached.feature_view(noisy_key, layer, net_sigma, noisy)
        chart(fig, key="features")
        if dead:
            st.markdown(f"{dead} of {shape[0]} channels are zero everywhere on this image: their ReLU never opens.")
    except (ValueError, RuntimeError) as error:
        show_problem(error)

model_section()
