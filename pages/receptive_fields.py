"""Lesson: receptive-field arithmetic, n, j, r and start through a layer stack (note 002)."""

import streamlit as st

from convviz.lessons import receptive_fields as lesson
from convviz.receptive import autograd_snippet, formula_lines
from convviz.ui.cached_receptive import autograd_check
from convviz.ui.layout import lesson_header, show_problem
from convviz.ui.present import presenting
from convviz.ui.receptive_sections import dilation_section, field_steps, stack_settings
from convviz.ui.unet import unet_section

lesson_header(
    "Receptive fields",
    "Each feature of a conv net sees only part of the input: its **receptive field**. Four numbers per layer "
    "say which part: how many features there are (**n**), how many input pixels apart neighbours sit (the jump "
    "**j**), how wide each one's field is (**r**) and where the first field is centred (**start**). "
    "Strides multiply j, and every later kernel then adds (k−1)·j to r.",
)

# --- The stack ----------------------------------------------------------------------------------
settings = stack_settings()          # n and the layers: a preset, or the student's own (in the link)
n, layers = settings.n, settings.layers

# --- The table ------------------------------------------------------------------------------------
st.header("n, j, r and start, layer by layer")
try:
    table = settings.table()
except ValueError as error:
    table = None
    show_problem(error)
    st.markdown("Shrink a stride or a kernel before it, add padding, or make the input larger; the dilation "
                "section at the bottom still works.")

if table is not None:
    size, fits, widths = autograd_check(settings)
    checks = lesson.check_marks(settings, table, size, widths)
    column = st.column_config.NumberColumn
    st.dataframe(
        lesson.table_rows(settings, table, widths, checks),
        hide_index=True, key="rf_table", height=min(600, 38 + 35 * len(table)),
        column_config={"n": column("n", help="n_out = ⌊(n_in + 2p − k_eff)/s⌋ + 1, k_eff = d(k−1)+1"),
                       "j": column("j", help="j_out = j_in · s"),
                       "r": column("r", help="r_out = r_in + (k_eff − 1) · j_in"),
                       "start": column("start", format="%g", help="start_out = start_in + ((k_eff − 1)/2 − p) · j_in"),
                       "r by autograd": column(
                           "r by autograd", help="width of the non-zero gradient of the centre unit w.r.t. the input")})
    if not layers:
        st.markdown("The stack is empty: each input pixel sees only itself (r = 1). Add a layer above.")
    else:
        st.markdown(lesson.last_layer_text(table))
        st.markdown(lesson.autograd_text(settings, size, fits, widths, checks))
        code = autograd_snippet(size, list(layers))
        if not presenting():                  # on a projector: the .py download below instead
            with st.expander("The same check in PyTorch (for the last layer)"):
                st.code(code, language="python")
            with st.expander("The formulas with your numbers"):
                st.markdown("n_out = ⌊(n_in + 2p − k_eff)/s⌋ + 1, j_out = j_in·s, r_out = r_in + (k_eff−1)·j_in, "
                            "start_out = start_in + ((k_eff−1)/2 − p)·j_in, with k_eff = d(k−1)+1 and the input at "
                            f"n = {n}, j = 1, r = 1, start = 0.5.")
                st.markdown("\n\n".join(formula_lines(n, list(layers))))

        # --- The field on the input, and the effective field (a fragment) ----------------------------
        field_steps(settings, table, code)

# --- Dilation -------------------------------------------------------------------------------------
dilation_section()

unet_section()

from convviz.ui.exercise_section import exercise_section  # noqa: E402 (kept with its call at the end, issue 25)
exercise_section(["receptive_field"])
