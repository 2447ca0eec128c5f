"""The topic table and the quiz: which topics there are, an exercise from (topic, seed) or from given settings,
its hint, and a quiz's questions from (topics, count, seed).

    >>> ex = generate("parameters", 0)
    >>> ex == generate("parameters", 0)                  # deterministic in (topic, seed)
    True
"""

from __future__ import annotations

import zlib

import numpy as np

from convviz.exercises import batchnorm, output_size, output_value, parameters, receptive_field, transposed_output_size
from convviz.exercises.base import Exercise, Topic

SPECS: dict[str, Topic] = {
    "output_size": output_size.TOPIC,
    "output_value": output_value.TOPIC,
    "transposed_output_size": transposed_output_size.TOPIC,
    "receptive_field": receptive_field.TOPIC,
    "parameters": parameters.TOPIC,
    "batchnorm": batchnorm.TOPIC,
}
TOPICS: dict[str, str] = {name: spec.title for name, spec in SPECS.items()}
MAX_QUIZ = 50                                  # questions in one quiz link


def _rng(topic: str, seed: int) -> np.random.Generator:
    """A generator fixed by (topic, seed) on every machine (crc32, not Python's salted hash)."""
    return np.random.default_rng([zlib.crc32(topic.encode()), int(seed < 0), abs(seed)])


def topic_spec(topic) -> Topic:
    """The Topic named `topic`; a clear ValueError for any other name."""
    if topic not in SPECS:
        raise ValueError(f"Unknown exercise topic {topic!r}; choose one of {', '.join(TOPICS)}.")
    return SPECS[topic]


def _whole(value, name: str = "seed") -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"The {name} must be a whole number (got {value!r}).")
    return int(value)


def from_params(topic: str, params: dict, seed: int = 0) -> Exercise:
    """The exercise for these settings (e.g. a link's, or a test's hand-picked case), answered by the lesson code."""
    spec = topic_spec(topic)
    question, answer, explanation = spec.build(params)
    return Exercise(topic, _whole(seed), question, params, answer, explanation, spec.tolerance)


def generate(topic: str, seed: int) -> Exercise:
    """The exercise on `topic` for `seed`: the same on every machine and every run.

    >>> ex = generate("parameters", 0)
    >>> sorted(ex.params)
    ['bias', 'c_in', 'c_out', 'groups', 'kernel_size']
    """
    spec = topic_spec(topic)
    seed = _whole(seed)
    return from_params(topic, spec.draw(_rng(topic, seed)), seed)


def hint(exercise: Exercise) -> str:
    """The first step, with the exercise's numbers, short of the answer."""
    return topic_spec(exercise.topic).first_step(exercise.params)


def quiz(topics: list[str], count: int, seed: int) -> list[Exercise]:
    """`count` exercises cycling through `topics` in order, their seeds drawn from `seed`: a quiz link holds
    (topics, count, seed) and every student gets the same questions in the same order.

    >>> [ex.topic for ex in quiz(["output_size", "parameters"], 3, 7)]
    ['output_size', 'parameters', 'output_size']
    """
    topics = list(topics)
    if not topics:
        raise ValueError(f"A quiz needs at least one topic; choose from {', '.join(TOPICS)}.")
    for topic in topics:
        topic_spec(topic)
    count = _whole(count, "number of questions")
    if not 1 <= count <= MAX_QUIZ:
        raise ValueError(f"A quiz has 1 to {MAX_QUIZ} questions (got {count}).")
    rng = _rng("quiz", _whole(seed))
    out, seen = [], set()
    for i in range(count):
        topic = topics[i % len(topics)]
        for _ in range(20):                                # a repeated question is a wasted one: draw again
            exercise = generate(topic, int(rng.integers(2 ** 31)))
            if exercise.question not in seen:
                break
        seen.add(exercise.question)
        out.append(exercise)
    return out

