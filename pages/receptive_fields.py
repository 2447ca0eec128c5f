"""Lesson: receptive-field arithmetic, n, j, r and start through a layer stack (note 002).

Figure first: the field of one unit, layer by layer on the stage; the control bar under it (preset, n, layer,
unit; the layers themselves under "More settings"); then the table, the autograd check and the formulas. These
form one st.fragment (issue 23): a setting or a step reruns only them, not the dilation, U-Net and exercise
sections below (they have their own controls)."""

import streamlit as st

from convviz.lessons import receptive_fields as lesson
from convviz.receptive import formula_lines
from convviz.ui.cache.receptive_fields import autograd_check
from convviz.ui.widgets.figure_first import figure_first
from convviz.ui.widgets.layout import lesson_header
from convviz.ui.widgets.present import presenting
from convviz.ui.sections.receptive_fields import (FieldView, dilation_section, effective_section, field_code, field_figure,
                                                 field_table, stack_settings, unet_section)
from convviz.ui.sections.exercises import exercise_section

lesson_header(
    "Receptive fields",
    "Each feature of a conv net sees only part of the input, its **receptive field**: step through the layers "
    "and watch it grow.",
)


@st.fragment
def field_lesson() -> None:
    """The figure and every section computed from the stack (and the step): a change reruns only this part."""
    view, _, _, code, _ = figure_first(
        stack_settings, FieldView.checked, field_code, field_figure, "field",
        hint="Shrink a stride or a kernel before it, add padding, or make the input larger (the settings under this "
             "box); the dilation section at the bottom still works.")
    settings, table = view.settings, view.table
    n, layers = settings.n, settings.layers

    # --- The table --------------------------------------------------------------------------------
    if table is not None:
        st.header("n, j, r and start, layer by layer")
        st.markdown("Four numbers per layer say which part of the input a feature sees: how many features there are "
                    "(**n**), how many input pixels apart neighbours sit (the jump **j**), how wide each one's field is "
                    "(**r**) and where the first field is centred (**start**). Strides multiply j, and every later kernel "
                    "then adds (k−1)·j to r.")
        size, fits, widths = autograd_check(settings)
        checks = lesson.check_marks(settings, table, size, widths)
        field_table(lesson.table_rows(settings, table, widths, checks, shown=view.depth))
        if layers:
            st.markdown(lesson.last_layer_text(table))
            st.markdown(lesson.autograd_text(settings, size, fits, widths, checks))
            if not presenting():                  # on a projector: the .py download under the figure instead
                with st.expander("The same check in PyTorch (for the last layer)"):
                    st.code(code, language="python")
                with st.expander("The formulas with your numbers"):
                    st.markdown("n_out = ⌊(n_in + 2p − k_eff)/s⌋ + 1, j_out = j_in·s, r_out = r_in + (k_eff−1)·j_in, "
                                "start_out = start_in + ((k_eff−1)/2 − p)·j_in, with k_eff = d(k−1)+1 and the input at "
                                f"n = {n}, j = 1, r = 1, start = 0.5.")
                    st.markdown("\n\n".join(formula_lines(n, list(layers))))
            effective_section(settings.up_to(view.depth), table[view.depth])


field_lesson()

# --- Dilation -------------------------------------------------------------------------------------
dilation_section()

unet_section()

exercise_section(["receptive_field"])
