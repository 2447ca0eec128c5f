"""Lesson: your own network (issue 35). Paste or edit an nn.Sequential; the page reads it (never runs it) and
shows, layer by layer, the output shape, parameters, multiply-adds and the receptive-field numbers j, r and
start of the receptive-field lesson, checked against PyTorch, with the last layer's field on the photo."""

from convviz.ui.widgets.layout import lesson_header
from convviz.ui.sections.your_network import exercise_section, field_section, network_box, network_rows, table_section

lesson_header(
    "Your network",
    "Paste the `nn.Sequential` of your own assignment (or start from a famous one) and see its arithmetic: "
    "what each layer does to the shape, what it costs, and how much of the input each unit sees.",
)

settings = network_box()
rows = network_rows(settings)
if rows:
    table_section(settings, rows)
    field_section(settings, rows)
    exercise_section(rows)
