"""Shared page layout: the lesson map, navigation, headers and error boxes.

`LESSONS` is the one list of lessons: the sidebar navigation and the home page's map are
both built from it. A lesson with no page file yet is listed on the map as planned, never
linked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Lesson:
    section: str
    title: str
    page: str | None          # file under pages/, or None while the lesson is planned
    summary: str
    icon: str = ":material/school:"

    @property
    def available(self) -> bool:
        return self.page is not None and (ROOT / "pages" / self.page).exists()


SECTIONS = ["Arithmetic", "Upsampling", "Matrices", "Normalization", "Restoration"]

LESSONS = [
    Lesson("Arithmetic", "Convolution", "convolution.py",
           "What a conv layer computes: sliding window, output size, stride, padding, dilation, "
           "cross-correlation vs convolution, the backward pass, classic filters.", ":material/grid_on:"),
    Lesson("Arithmetic", "Receptive fields", "receptive_fields.py",
           "n, j, r and start through a layer stack, proved against autograd.", ":material/center_focus_strong:"),
    Lesson("Arithmetic", "Your network", "your_network.py",
           "Paste an nn.Sequential: shapes, parameters, multiply-adds and receptive fields, layer by layer.",
           ":material/edit_note:"),
    Lesson("Arithmetic", "Convolution zoo", "convolution_zoo.py",
           "1×1, dilated, grouped, depthwise and spatially separable convolutions, their costs; pooling."),
    Lesson("Upsampling", "Transposed convolution", "transposed_convolution.py",
           "Scatter view, output_padding, overlap counts and checkerboard artifacts."),
    Lesson("Matrices", "Convolution as a matrix", "convolution_matrix.py",
           "Toeplitz and doubly block Toeplitz matrices, their transposes, circulant and im2col."),
    Lesson("Normalization", "Batch normalization", "batch_normalization.py",
           "Per-channel statistics, train vs eval, folding BN into the convolution."),
    Lesson("Restoration", "Denoising", "denoising.py",
           "Upload a photo; the project's own FFDNet-style network removes the noise."),
    Lesson("Restoration", "Super-resolution", "super_resolution.py",
           "SRCNN and an efficient sub-pixel net against bicubic upscaling."),
]


# Pages that are not lessons (no thumbnail, no place in the lesson map): the lecturer's quiz (issue 25).
QUIZ = Lesson("Class", "Quiz", "quiz.py", "One link, the same questions for the whole class; the answer hidden "
              "on the projector until you reveal it.", ":material/quiz:")
OTHER_PAGES = [QUIZ]

# The order a newcomer reads them in: each uses what the one before taught.
START_HERE = ["Convolution", "Receptive fields", "Transposed convolution", "Convolution as a matrix",
              "Convolution zoo", "Batch normalization", "Your network", "Denoising",
              "Super-resolution"]


def navigation(home) -> "st.navigation":
    """st.navigation with the home page (a function) and every available lesson, by section."""
    pages = {"": [st.Page(home, title="Home", icon=":material/home:", default=True)]}
    for lesson in LESSONS:
        if lesson.available:
            pages.setdefault(lesson.section, []).append(
                st.Page(f"pages/{lesson.page}", title=lesson.title, icon=lesson.icon))
    for page in OTHER_PAGES:
        pages.setdefault(page.section, []).append(st.Page(f"pages/{page.page}", title=page.title, icon=page.icon))
    return st.navigation(pages)


def require_app_navigation() -> None:
    """Make sure a lesson runs under app.py's navigation.

    On a freshly started server, until app.py has run once, Streamlit treats `pages/` as an
    old-style (v1) multipage folder: a deep link such as /convolution then runs the page file
    alone, without app.py's page config and navigation. The flag that selects that mode is
    cleared by st.navigation; clearing it here and rerunning sends the same URL through app.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def lesson_header(title: str, intuition: str) -> None:
    """The page title, the presentation switch and share button, and the intuition (first call on every lesson)."""
    from convviz.ui.widgets.present import presentation_switch
    from convviz.ui.widgets.share import share_button

    require_app_navigation()
    # The switch and the button side by side (they wrap under each other only when the column is too narrow),
    # so the title row is as tall as the title: on a 1280×720 projector every pixel above the figure counts.
    heading, tools = st.columns([3, 2], vertical_alignment="center")
    with tools.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center"):
        presentation_switch()
        share_button()
    heading.title(title)
    st.markdown(intuition)


def show_problem(error: Exception, container=None) -> None:
    """A ValueError from convviz, shown as a plain message (never a traceback)."""
    (container or st).error(str(error), icon=":material/block:")


def course_note(text: str, container=None) -> None:
    """A "From the course notes" callout: where a note's printed example or wording is wrong, say what is right."""
    from convviz.lessons.shared.course_notes import HREF

    (container or st).info(f"**From the course notes.** {text} [What the notes are]({HREF})", icon=":material/edit_note:")


def intro(title: str, anchor: str | None, idea: str) -> None:
    """A section's heading (with the anchor the page's links use) and the idea it teaches, in one paragraph."""
    st.header(title, anchor=anchor)
    st.markdown(idea)


def made(settings_type, *controls):
    """settings_type(*controls), or None after showing the ValueError it raised (the section stops there)."""
    try:
        return settings_type(*controls)
    except ValueError as error:
        show_problem(error)
        return None


def torch_check(gap: float, what: str | None = None, *, tol: float = 1e-9, container=None) -> str:
    """A section's check against PyTorch as one quiet line: "✓ matches PyTorch (max |difference| 3.1e-16)",
    `what` saying what was compared; a loud warning "✗ differs from PyTorch" when the gap is above `tol`
    (float64 against float64: anything larger is a real disagreement). Returns the line."""
    amount = f"max |difference| {gap:.1e}" if gap else "max |difference| 0"
    verdict = "✓ matches PyTorch exactly" if gap == 0 else "✓ matches PyTorch" if gap <= tol else "✗ differs from PyTorch"
    line = f"{verdict} ({amount}){f': {what}' if what else ''}"
    box = container or st
    if gap <= tol:
        box.caption(line)
    else:
        box.warning(line, icon=":material/error:")
    return line


def about_model():
    """The one "About the model" expander of a page: the model's file names, training steps, checkpoints
    and the machines it was measured on, kept out of the lesson's main flow (issue 24)."""
    return st.expander("About the model", icon=":material/model_training:")
