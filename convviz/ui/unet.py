"""The "Sizes through a U-Net" section of the receptive-field page: controls (un_pad, un_n, un_depth),
the per-step table, working input sizes near the chosen one, and the agreement with a torch U-Net.
The numbers and sentences come from convviz.lessons.receptive_fields (UNetSettings)."""

from __future__ import annotations

import streamlit as st

from convviz.lessons import receptive_fields as lesson
from convviz.lessons.receptive_fields import UNET_DEFAULT_N, UNET_MAX_DEPTH, UNET_MAX_N, UNET_VARIANTS, UNetSettings
from convviz.ui.cached_receptive import torch_agreement
from convviz.ui.layout import course_note, show_problem
from convviz.ui.params import choice_control, int_control


def _reset_size() -> None:
    """A new variant starts from its own default size (572 does not go through the padded net)."""
    st.session_state.pop("un_n", None)
    st.query_params.pop("un_n", None)


def unet_section() -> None:
    st.header("Sizes through a U-Net")
    st.markdown("U-Net (Ronneberger et al. 2015; notes 000 and 003) halves the size with 2×2 max pools on the way "
                "down, doubles it with 2×2 up-convs (stride 2: n_out = 2(n−1) + 2 = 2n) on the way up, and "
                "concatenates each encoder map with the decoder map of the same level. With **valid** 3×3 convs "
                "(n → n − 2) the encoder map is larger and is centre-cropped first; with **padded** ones "
                "(n → n) nothing is cropped. Every pool must see an even size.")
    cols = st.columns(3)
    variant = choice_control("Convolutions", "un_pad", UNET_VARIANTS, "valid", container=cols[0], on_change=_reset_size)
    settings = UNetSettings(variant,
                            int_control("Input size (pixels per side)", "un_n", 1, UNET_MAX_N, UNET_DEFAULT_N[variant],
                                        container=cols[1]),
                            int_control("Depth (pooling steps)", "un_depth", 1, UNET_MAX_DEPTH, 4, container=cols[2]))
    try:
        table = settings.table()
    except ValueError as error:
        show_problem(error)
        st.markdown(f"Input sizes that go through (input → output): {lesson.unet_near(settings)[1]}.")
        return
    st.dataframe(table, hide_index=True, key="unet_table", height=min(600, 38 + 35 * len(table)))
    st.markdown(lesson.unet_summary(settings, table))
    st.markdown(lesson.torch_text(settings, *torch_agreement(settings)))
    course_note("Note 000 says U-Net uses \"residual connections across each dimension reduction stage\". Its skip "
                "connections concatenate the (cropped) encoder map with the decoder's, as note 003 says; they do "
                "not add it.")
