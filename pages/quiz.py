"""Quiz for a class (issue 25): a link holding topics, count and seed gives everyone the same questions.

`/quiz?topics=output_size,receptive_field&count=3&seed=7` — students check their own answers;
add `present=1` for the projector, where the answer stays hidden until the lecturer presses Reveal.
The logic is in convviz/ui/sections/quiz.py; the questions and answers in convviz/exercises/ (one module per topic).
"""

from convviz.ui.widgets.layout import lesson_header
from convviz.ui.sections.quiz import quiz_section

lesson_header(
    "Quiz",
    "Predict, then reveal: the same questions, in the same order, for everyone who opens this link. "
    "Work each one out by hand before you check it.",
)
quiz_section()
