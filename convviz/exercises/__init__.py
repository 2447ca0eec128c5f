"""Predict, then reveal: exercises drawn from a seed, answered by the lessons' own code (issue 25).

Each topic draws small, hand-doable settings from (topic, seed), asks for one number, and answers
it with the compute module the lesson uses (arithmetic, conv, receptive, zoo, batchnorm), so an
exercise can never disagree with its page. `check` reads what a student typed and, when it is
wrong, recognises the usual slips (the floor, the dilation, the padding, the groups, BN's
m/(m−1)) by recomputing the answer with that step left out. Tested against torch in
tests/compute/test_exercises.py.

Where things are: base.py (Exercise, Verdict, Topic, number formatting), one module per topic
(output_size, output_value, transposed_output_size, receptive_field, parameters, batchnorm: each its
draw, build, first step and slips, gathered in its TOPIC), topics.py (the topic table, generate,
from_params, hint, quiz) and answers.py (parse and check).
"""

from convviz.exercises.answers import MAX_CHARS, MAX_EXPONENT, check, parse
from convviz.exercises.base import DECIMALS, Exercise, Topic, Verdict
from convviz.exercises.receptive_field import QUANTITIES
from convviz.exercises.topics import MAX_QUIZ, SPECS, TOPICS, from_params, generate, hint, quiz, topic_spec

__all__ = ["DECIMALS", "MAX_CHARS", "MAX_EXPONENT", "MAX_QUIZ", "QUANTITIES", "SPECS", "TOPICS", "Exercise", "Topic",
           "Verdict", "check", "from_params", "generate", "hint", "parse", "quiz", "topic_spec"]
