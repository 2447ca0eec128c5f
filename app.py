"""ConvViz home page and navigation: `streamlit run app.py`."""

import streamlit as st

from convviz.device import device_description
from convviz.ui.layout import LESSONS, SECTIONS, navigation

st.set_page_config(page_title="ConvViz: convolution arithmetic", page_icon=":material/grid_on:", layout="wide")


def home() -> None:
    st.title("ConvViz")
    st.markdown(
        "**See and check the arithmetic of convolutional networks.** Every number on these pages is "
        "computed by the `convviz` package and tested against PyTorch in float64: output sizes, sliding "
        "windows, transposed convolutions, receptive fields, the matrices behind them, batch norm, and "
        "small denoising and super-resolution networks trained by this project."
    )
    st.markdown("Every view lives in its link: copy the address bar to share exactly what you see.")
    st.subheader("Lessons")
    for section in SECTIONS:
        lessons = [lesson for lesson in LESSONS if lesson.section == section]
        if not lessons:
            continue
        st.markdown(f"##### {section}")
        for lesson in lessons:
            if lesson.available:
                st.page_link(f"pages/{lesson.page}", label=f"**{lesson.title}**: {lesson.summary}", icon=lesson.icon)
            else:
                st.markdown(f"<span style='color:#777'>{lesson.title} (planned): {lesson.summary}</span>",
                            unsafe_allow_html=True)
    st.caption(f"Compute device for the models: {device_description()}.")


navigation(home).run()
