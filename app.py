"""ConvViz home page and navigation: `streamlit run app.py`."""

import streamlit as st

from convviz.restoration.device import device_description
from convviz.ui.sections.course_notes import course_notes_section
from convviz.ui.widgets.layout import LESSONS, QUIZ, ROOT, SECTIONS, START_HERE, navigation
from convviz.ui.widgets.present import page_scripts
from convviz.ui.widgets.runtime import settle_heap
from convviz.ui.widgets.share import share_button

# The tab's icon is a file served by this server: a ":material/…" icon would be fetched from fonts.gstatic.com on every
# run, which an offline classroom cannot reach. assets/icon.png: a 4×4 input with a 3×3 window over its corner.
st.set_page_config(page_title="ConvViz: convolution arithmetic", page_icon=str(ROOT / "assets" / "icon.png"),
                   layout="wide")


@st.cache_data(show_spinner=False)
def _thumbnails() -> dict:
    """One small picture per lesson, drawn once per process (the import pulls in the restoration code)."""
    from convviz.lessons.shared.thumbnails import thumbnails

    return thumbnails()


def home() -> None:
    heading, tools = st.columns([3, 1], vertical_alignment="center")
    heading.title("ConvViz")
    share_button(tools)       # the home page's link and QR code: the whole app, for the room
    st.markdown(
        "**See and check the arithmetic of convolutional networks.** Every number on these pages is "
        "computed by the `convviz` package and tested against PyTorch in float64: output sizes, sliding "
        "windows, transposed convolutions, receptive fields, the matrices behind them, batch norm, and "
        "small denoising and super-resolution networks trained by this project."
    )
    by_title = {lesson.title: lesson for lesson in LESSONS if lesson.available}
    path = [by_title[title] for title in START_HERE if title in by_title]
    st.subheader("Start here", anchor="start-here")
    st.markdown("New to convolutions? Take the lessons in this order; each uses what the one before showed.")
    for row in range(0, len(path), 4):
        for col, (i, lesson) in zip(st.columns(4), enumerate(path[row:row + 4], start=row + 1)):
            col.page_link(f"pages/{lesson.page}", label=f"{i}. {lesson.title}" + (" →" if i < len(path) else ""),
                          icon=lesson.icon)
    st.subheader("Lessons")
    pictures = _thumbnails()
    for section in SECTIONS:
        lessons = [lesson for lesson in LESSONS if lesson.section == section]
        if not lessons:
            continue
        st.markdown(f"##### {section}")
        for lesson in lessons:
            picture, name, summary = st.columns([1, 1.4, 3], vertical_alignment="center")
            if lesson.page in pictures:
                picture.image(pictures[lesson.page], width=140, alt=f"{lesson.title}: a small picture of the lesson")
            if lesson.available:
                name.page_link(f"pages/{lesson.page}", label=f"**{lesson.title}**", icon=lesson.icon)
                summary.markdown(lesson.summary)
            else:
                name.markdown(f"<span style='color:#888'>{lesson.title} (planned)</span>", unsafe_allow_html=True)
                summary.markdown(f"<span style='color:#888'>{lesson.summary}</span>", unsafe_allow_html=True)
    st.markdown("##### Class")
    _, link, summary = st.columns([1, 1.4, 3], vertical_alignment="center")     # in line with the lessons' names
    link.page_link(f"pages/{QUIZ.page}", label=f"**{QUIZ.title}**", icon=QUIZ.icon)
    summary.markdown(QUIZ.summary + " Every lesson also ends with an exercise: predict, then reveal.")
    course_notes_section()
    st.markdown("Every view lives in its link: copy the address bar, or use **Share this view** on any page "
                "for the link and a QR code, to share exactly what you see.")
    st.markdown(f":material/memory: **Compute device for the models:** {device_description()}.")
    page_scripts()            # a link to #course-notes stays at that section while the thumbnails above it load


navigation(home).run()
settle_heap()   # after the run's imports: freeze the heap once, so the post-run collections skip it
