"""Sections of the "Your network" page (issue 35): the network box (a preset to start from, the text, the
input's C, H, W), the table, the totals and the torch check, the field on the photo, and the exercise.

The text lives in the link as `net=` (convviz.lessons.your_network.encode_text), left out while it is the
chosen preset's own text; `preset`, `c`, `h`, `w` are ordinary URL-bound controls.
"""

from __future__ import annotations

import streamlit as st

from convviz.architecture import MAX_TEXT, PRESETS
from convviz.lessons import your_network as lesson
from convviz.lessons.your_network import DEFAULT_PRESET, INPUT_LIMITS, PRESET_INPUTS, PRESET_NAMES, NetworkSettings
from convviz.ui.cache import your_network as cached
from convviz.ui.widgets.layout import show_problem
from convviz.ui.widgets.params import choice_control, int_control
from convviz.ui.widgets.present import chart, presenting

TEXT_KEY = "net_text"


def _load_preset() -> None:
    """A new preset replaces the text (and leaves the link's own text behind) and the input, with the one it was made
    for."""
    preset = st.session_state["preset"]
    st.session_state[TEXT_KEY] = PRESETS[preset]
    st.session_state.update(zip("chw", PRESET_INPUTS[preset]))
    st.query_params.pop("net", None)


def network_box() -> NetworkSettings:
    """The preset, C, H, W and the text box; the text written into the link when it is not the preset's."""
    cols = st.columns([4, 1, 1, 1])
    preset = choice_control("Start from", "preset", PRESET_NAMES, DEFAULT_PRESET, container=cols[0],
                            on_change=_load_preset,
                            help="Loads a network into the box below, and the input size it was made for; edit both "
                                 "from there.")
    shape = tuple(int_control(label, key, *INPUT_LIMITS[key], default, container=col)
                  for (label, key), default, col in zip((("Channels C", "c"), ("Height H", "h"), ("Width W", "w")),
                                                        PRESET_INPUTS[preset], cols[1:]))
    if TEXT_KEY not in st.session_state:               # first run: the link's text, else the preset's
        st.session_state[TEXT_KEY] = PRESETS[preset]
        raw = st.query_params.get("net")
        if raw:
            try:
                st.session_state[TEXT_KEY] = lesson.decode_text(raw)
            except ValueError as error:
                st.warning(f"{error} Showing the preset instead.", icon=":material/warning:")
    text = st.text_area("Your network (PyTorch)", key=TEXT_KEY, height=320, max_chars=MAX_TEXT,
                        help="nn.Sequential(...) of nn.Conv2d, nn.ConvTranspose2d, nn.MaxPool2d, nn.AvgPool2d, "
                             "nn.BatchNorm2d, activations, nn.Dropout, nn.Identity, nn.Upsample, nn.Flatten, nn.Linear; "
                             "literal arguments only. Nothing you type is run: it is read.")
    if text == PRESETS[preset]:
        st.query_params.pop("net", None)
    else:
        st.query_params["net"] = lesson.encode_text(text)
    st.caption("Press Ctrl+Enter (or click outside the box) to apply an edit. The text is read, never run: "
               "only `nn.<layer>(numbers, True/False, strings, tuples)` is understood, and it travels in the link.")
    return NetworkSettings(text, shape)


def network_rows(settings: NetworkSettings) -> list[dict] | None:
    """The rows, or None after showing what was not understood, and where."""
    try:
        return cached.rows(settings)
    except ValueError as error:                        # the message quotes the text: shown literally, not as markdown
        show_problem(ValueError("".join("\\" + ch if ch in "\\`*_{}[]<>()#+-.!|~$" else ch for ch in str(error))))
        st.markdown("Fix the text above (the message says the line and column), or pick a preset to start again.")
        return None


def table_section(settings: NetworkSettings, rows: list[dict]) -> None:
    st.header("Layer by layer")
    st.markdown("Each row: the output shape, the parameters (`sum(p.numel())`), the multiply-adds "
                "(a conv: H_out·W_out·C_out·(C_in/groups)·k_h·k_w) and, along the height, the receptive-field "
                "numbers of the previous lesson: the jump **j** (input pixels between neighbouring units), the field "
                "size **r** and the first field's centre **start**. Layers that do not move the grid keep them.")
    st.table(lesson.table_rows(settings, rows), hide_index=True)
    st.markdown(lesson.totals_text(settings, rows))
    note = lesson.width_note(rows)
    if note:
        st.markdown(note)
    result = cached.torch_check(settings)
    line = lesson.check_text(result)
    if result["agree"]:
        st.caption(line)
    else:
        st.warning(line, icon=":material/error:")
    if presenting():                              # the page stays pictures and tables on a projector
        return
    with st.expander("The rules behind j, r and start"):
        st.markdown("A conv or pool with kernel k, stride s, padding p, dilation d (k_eff = d(k−1)+1): "
                    "j_out = j_in·s, r_out = r_in + (k_eff−1)·j_in, start_out = start_in + ((k_eff−1)/2 − p)·j_in, "
                    "from j = 1, r = 1, start = 0.5 at the input. An upsampling layer (ConvTranspose2d with stride s, "
                    "Upsample by s) puts its units on an s times finer grid: j_out = j_in/s, and it counts as a "
                    "stride-1 conv over the input with s−1 zeros between neighbours: r_out = r_in + (k_eff−1)·j_in/s, "
                    "start_out = start_in + (p − (k_eff−1)/2)·j_in/s (Upsample: nearest is kernel s, padding 0; "
                    "bilinear kernel 2s − s mod 2, padding ⌈(s−1)/2⌉). After upsampling r is the width of an interval "
                    "that holds everything a unit depends on, and fractions appear.")


def field_section(settings: NetworkSettings, rows: list[dict]) -> None:
    st.header("The last layer's receptive field")
    if not lesson.can_draw(settings, rows):
        st.markdown("The picture needs a square input and the same field along the height and the width; "
                    "the table above has the height's numbers.")
        return
    chart(cached.field_figure(settings), key="net_field")
    st.markdown(lesson.field_text(settings, rows))


def exercise_section(rows: list[dict]) -> None:
    """What is r after layer k? Folded into an "Exercise" expander while presenting (open when the link names k)."""
    if not lesson.exercise_layers(rows):
        return
    if presenting():
        with st.expander("Exercise", icon=":material/quiz:", expanded="ex_k" in st.query_params):
            _exercise(rows)
        return
    st.header("Exercise", anchor="exercise")
    _exercise(rows)


@st.fragment
def _exercise(rows: list[dict]) -> None:
    """k in the link as `ex_k`; the answer checked against the table's rows."""
    layers = lesson.exercise_layers(rows)
    default = lesson.default_question(rows)
    if st.session_state.get("ex_k", 0) > len(rows):         # left over from a longer network
        st.session_state.pop("ex_k")
        st.query_params.pop("ex_k", None)
    k = int_control("Layer k (the k column of the table)", "ex_k", 1, len(rows), default)
    if k not in layers:
        st.info(f"Layer {k} is {rows[k - 1]['name']}: pick a conv or a pool ({', '.join(map(str, layers))}).",
                icon=":material/info:")
        return
    st.markdown(f"**What is r after layer {k} ({rows[k - 1]['name']})?** Cover the table's r column and work it "
                f"out from the rows before.")
    with st.form(f"net_exercise_{k}", border=False, enter_to_submit=True):
        response = st.text_input("Your answer", placeholder="one number, e.g. 7")
        check, reveal = st.columns(2)
        checked = check.form_submit_button("Check", type="primary", width="stretch", key="net_check")
        revealed = reveal.form_submit_button("Reveal", width="stretch", key="net_reveal")
    if checked:
        right, message = lesson.check_answer(rows, k, response)
        (st.success if right else st.error if right is False else st.warning)(message)
    if revealed:
        st.markdown(lesson.exercise_answer(rows, k)[1])
