"""What every exercise topic shares: the Exercise and Verdict records, the Topic a topic module fills in, and
the number formatting of questions and explanations (a Unicode minus, as in the lessons' formulas)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

DECIMALS = 2                                   # float answers (batchnorm) are asked rounded to this


@dataclass(frozen=True)
class Exercise:
    """One question. `params` is plain JSON (the schema of its topic, see the issue); `answer` is exact."""

    topic: str
    seed: int
    question: str            # markdown
    params: dict
    answer: int | float
    explanation: str         # markdown: the lesson's formula with these numbers filled in
    tolerance: float = 0.0   # 0: exact; otherwise |response - answer| <= tolerance is right


@dataclass(frozen=True)
class Verdict:
    correct: bool
    message: str


def _never(params) -> bool:
    return False


@dataclass(frozen=True)
class Topic:
    """One topic, all its properties in one place (check and the quiz ask nothing by a topic's name).

    draw(rng) -> params; build(params) -> (question, answer, explanation); first_step(params) -> the hint;
    slips(params) -> [(wrong answer, the step it misses)]; general: the advice when no slip matches;
    asks_side(params): the answer is one side of a square, so "5x5" may be typed for 5."""

    title: str
    draw: Callable
    build: Callable
    first_step: Callable
    slips: Callable
    general: str
    tolerance: float = 0.0
    asks_side: Callable = _never


def pick(rng, options):
    return options[int(rng.integers(len(options)))]


def num(v) -> str:
    """3, -1.5, 0.3333 (a Unicode minus for negatives, as in the lessons' formulas)."""
    v = round(float(v), 4) + 0.0                       # + 0.0: no "−0"
    text = str(int(v)) if v.is_integer() else f"{v:.4f}".rstrip("0")
    return text.replace("-", "−")


def grid(rows) -> str:
    """A small matrix as a fenced code block, numbers right-aligned."""
    cells = [[f"{v:g}" for v in row] for row in rows]
    width = max(len(c) for row in cells for c in row)
    return "```\n" + "\n".join(" ".join(c.rjust(width) for c in row) for row in cells) + "\n```"


def signed(v) -> str:
    return f"({num(v)})" if float(v) < 0 else num(v)
