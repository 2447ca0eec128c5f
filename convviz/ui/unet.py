"""The "Sizes through a U-Net" section of the receptive-field page: controls (un_pad, un_n, un_depth),
the per-step table, working input sizes near the chosen one, and the agreement with a torch U-Net."""

from __future__ import annotations

import streamlit as st

from convviz.unet import PAPER_INPUT, nearest_working, unet_table
from convviz.ui.layout import course_note, show_problem
from convviz.ui.params import choice_control, int_control

VARIANTS = {"valid": "Valid 3×3 convs (the paper's)", "padded": "Padded 3×3 convs (\"same\")"}
DEFAULT_N = {"valid": PAPER_INPUT, "padded": 512}    # each goes through at every depth 1–5
MAX_N, MAX_DEPTH = 2048, 5


@st.cache_resource(max_entries=64, show_spinner=False)
def torch_agreement(n: int, depth: int, padded: bool) -> tuple[bool, int]:
    """(whether a tiny torch U-Net's shapes equal the table at every step, number of steps)."""
    from convviz.torch_ref.unet import unet_torch_rows

    table = unet_table(n, depth, padded)
    return unet_torch_rows(n, depth, padded) == table, len(table)


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
    variant = choice_control("Convolutions", "un_pad", VARIANTS, "valid", container=cols[0], on_change=_reset_size)
    n = int_control("Input size (pixels per side)", "un_n", 1, MAX_N, DEFAULT_N[variant], container=cols[1])
    depth = int_control("Depth (pooling steps)", "un_depth", 1, MAX_DEPTH, 4, container=cols[2])
    padded = variant == "padded"
    near = nearest_working(n, depth, padded)
    near_text = ", ".join(f"{a} → {b}" for a, b in near) or "none up to 4096"
    try:
        table = unet_table(n, depth, padded)
    except ValueError as error:
        show_problem(error)
        st.markdown(f"Input sizes that go through (input → output): {near_text}.")
        return
    st.dataframe(table, hide_index=True, key="unet_table", height=min(600, 38 + 35 * len(table)))
    crops = [row["skip"] for row in table if row["skip"]]
    st.markdown(f"A **{n} × {n}** input gives a **{table[-1]['size out']} × {table[-1]['size out']}** output. "
                + (f"Skip crops, deepest first: {', '.join(crops)}." if not padded else
                   "The skips need no crop.")
                + f" Input sizes that go through near {n} (input → output): {near_text}"
                + (f"; they are 2^{depth} = {1 << depth} apart." if len(near) > 1 else "."))
    agree, steps = torch_agreement(n, depth, padded)
    st.markdown(f"**Torch check.** A U-Net built in torch (2 channels per map, float64) run on a {n} × {n} input "
                + (f"has these sizes at all {steps} steps ✓." if agree else
                   f"**disagrees with the table** ✗ ({steps} steps)."))
    course_note("Note 000 says U-Net uses \"residual connections across each dimension reduction stage\". Its skip "
                "connections concatenate the (cropped) encoder map with the decoder's, as note 003 says; they do "
                "not add it.")
