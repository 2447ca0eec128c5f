"""Lesson: SRCNN and an efficient sub-pixel net against nearest and bicubic upscaling (issue 5)."""

from pathlib import Path

import numpy as np

import streamlit as st

from convviz import restore
from convviz.lessons.denoising import measured_quality

from convviz.restoration import degradation as sr_degradation
from convviz.restoration.device import device_description
from convviz.restoration.image_input import fit_size, resize
from convviz.lessons import super_resolution as lesson
from convviz.lessons.super_resolution import METHODS, MODES, SCALES, SRSettings
from convviz.ui.cache import restoration as cached
from convviz.ui.widgets.downloads import image_downloads
from convviz.ui.widgets.layout import about_model, course_note, lesson_header
from convviz.ui.widgets.params import choice_control
from convviz.ui.widgets.present import presenting, settings_box
from convviz.ui.widgets.zoom import main_figure, side_by_side, zoom_controls, zoom_slot

MAX_PIXELS = lesson.MAX_OUTPUT_PIXELS // 4   # uploads are shrunk above this; ×s output up to 64 MP (issue 32)
DIRECT_MAX = MAX_PIXELS

lesson_header("Super-resolution", "Upscaling invents pixels: fixed rules (nearest, bicubic) against two small networks "
                                  "that learned from photos what the missing detail usually looks like.")
figure = main_figure()                # the comparison first; filled once the settings below are read

# --- The models (drawn at the end, or alone while there is no image) -----------------------------
def model_section() -> None:
    """What the networks see, for students; their files, training and measurements in "About the model"."""
    st.header("The networks and how good they are")
    st.markdown("Both networks see only the luminance Y; the colour channels Cb and Cr are upscaled with bicubic, "
                "because the eye is far less sensitive to colour detail. Both were trained by this project on "
                "400 small grayscale photos, one network per scale.")
    with about_model():
        for method in ("srcnn", "subpixel"):
            for name in restore.SR_MODELS[method].values():
                info = cached.info_for(name)
                if info is None:
                    st.markdown(f"- **{name}**: weights not shipped yet.")
                    continue
                has_card = Path(info["card"]).exists()
                st.markdown(lesson.model_line(name, info, has_card))
                if has_card and not presenting():
                    st.markdown(measured_quality(info))
        st.markdown(lesson.TRAINING_NOTE + f" On this server they run on {device_description()}.")


# --- Input ----------------------------------------------------------------------------------------
with settings_box():
    chosen = cached.choose_image("sr", MAX_PIXELS, default="astronaut")
    row = st.columns([1, 2])
    scale = int(choice_control("Scale s", "scale", SCALES, "3", container=row[0], horizontal=True))
    mode = choice_control("What is upscaled", "mode", MODES, "auto", container=row[1])
    degrade = choice_control("Degradation (how the low-resolution input is made)", "sr_degrade",
                             sr_degradation.DEGRADATIONS, "bicubic", horizontal=True,
                             disabled=mode == "direct" or (mode == "auto" and chosen is not None and chosen[0][0] != "sample"),
                             help="Used when the image is downscaled first, so that the original is the ground truth.")
settings = SRSettings(scale, mode, degrade)          # built once, passed to the cached builders
if chosen is not None:
    row[1].caption(lesson.MODES_DO[settings.resolve(chosen[0][0] == "sample", 64, 64, DIRECT_MAX)[0].mode])

if chosen is None:
    model_section()
    st.stop()
key, image, label = chosen
for notice in image.notices:
    st.info(lesson.without_crop_hint(notice), icon=":material/info:")
pixels = image.pixels
height, width = pixels.shape[:2]
settings, warning = settings.resolve(key[0] == "sample", width, height, DIRECT_MAX)
if warning:
    st.warning(warning, icon=":material/warning:")
if settings.known:
    truth, low = cached.low_resolution(key, scale, pixels, degrade)
    st.markdown(lesson.known_text(label, width, height, settings, truth.shape, low.shape))
    if degrade == "average":
        course_note(lesson.AVERAGE_POOL_NOTE)
else:
    truth, low = None, pixels
    if width * height * scale**2 > lesson.MAX_OUTPUT_PIXELS:
        size = fit_size(width, height, lesson.MAX_OUTPUT_PIXELS // scale**2)
        low = resize(pixels, size)
        st.info(f"×{scale} of {width}×{height} would be over {lesson.MAX_OUTPUT_PIXELS / 1e6:g} MP; it is first "
                f"reduced to {size[0]}×{size[1]}.", icon=":material/info:")
    st.markdown(lesson.direct_text(label, settings, low.shape))
low_key = key + settings.low_key

# --- Upscale with every method --------------------------------------------------------------------
results, problems = {}, {}
for method, title in METHODS.items():
    problem = lesson.untrained_problem(method, scale, restore.SR_MODELS.get(method)) or (
        cached.weights_problem(restore.SR_MODELS[method][scale]) if method in restore.SR_MODELS else None)
    if problem:
        problems[title] = problem
        continue
    try:
        if cached.is_long(low) and method in restore.SR_MODELS:   # full size: the sub-pixel net as a job (issue 32)
            if method == "srcnn":
                problems[title] = lesson.SRCNN_SMALL_ONLY
                continue
            done = cached.long_run(low_key + (title,), low.shape[0] * low.shape[1] / 1e6, f"×{scale} at full size",
                                   lambda progress: restore.upscale(low, scale, method, progress=progress,
                                                                    dtype=np.float32), container=figure)
            if done is not None:
                results[title] = done
            continue
        results[title] = cached.upscaled(low_key, method, scale, low)
    except (ValueError, RuntimeError) as error:
        problems[title] = f"{title} could not run on this image: {error}"
for title, problem in problems.items():
    st.warning(f"**{title}:** {problem}", icon=":material/block:")
nets = [t for t in (METHODS["subpixel"], METHODS["srcnn"]) if t in results]
st.header(f"×{scale} side by side")
st.markdown("**Nearest neighbour** copies each pixel into an s×s block, **bicubic** blends 4×4 neighbours with a fixed "
            "kernel. SRCNN sharpens the bicubic image with three convolutions at full size; the efficient net works at "
            "low resolution and turns s² channels into an s×s block of pixels at the end (pixel shuffle).")
out_h, out_w = scale * low.shape[0], scale * low.shape[1]
zooms = zoom_slot(figure)                                # the zooms with their controls
box = zoom_controls(out_w, out_h, "output pixels")
panels = (([("ground truth", low_key + ("truth",), truth)] if truth is not None else [])
          + [(t, low_key + (t,), img) for t, (img, _) in results.items()])
with figure:
    side_by_side(panels, box, zooms, compare=(METHODS["bicubic"], nets[0] if nets else None))
    zooms.caption(f"The magenta box ({box[2]}×{box[3]} output pixels) is enlarged in the zooms without smoothing: "
                  "nearest shows the blocks, bicubic the blur, the networks what they add.")
if nets:
    st.markdown(":material/timer: " + ", ".join(f"{t}: **{results[t][1]:.2f} s**" for t in nets) + ".")

if truth is not None and results:
    scores = {title: cached.sr_scores(low_key + (title,), scale, truth, img) for title, (img, _) in results.items()}
    shown = tuple((m, t) for m, t in METHODS.items() if t in results)
    reference = cached.bicubic_input_psnrs(key, scale, pixels, shown) if degrade != "bicubic" else None
    st.markdown(lesson.score_table(results, scores, reference))
    if reference:
        st.markdown(lesson.degradation_text(scores, reference, scale))
    st.caption(f"PSNR and SSIM on the luminance Y (BT.601, as MATLAB's rgb2ycbcr) with {scale} border pixels shaved: "
               "the protocol of the SR papers and of `python -m convviz.evaluate`.")

# --- Download -------------------------------------------------------------------------------------
best = nets[0] if nets else (METHODS["bicubic"] if METHODS["bicubic"] in results else None)
if best:
    stem = label.rsplit(".", 1)[0] if key[0] == "upload" else key[1]
    method = next(m for m, t in METHODS.items() if t == best)
    image_downloads(results[best][0], lesson.download_stem(stem, scale, method), f"the {best} result")

model_section()
