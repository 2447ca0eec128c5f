"""Reading and checking an answer: `parse` reads what a student typed, `check` says right, or wrong with the
step most often missed (the topic's slips, recomputed with that step left out).

What `check` accepts: one number, written as an integer (7, +7, −7 with a Unicode minus, 7.0 for
a whole-number answer), a decimal (0.5, .5, 1e-1), a fraction of two integers (3/4) or, where the topic
asks for one side of a square (Topic.asks_side), a square "3×3" / "3x3". Surrounding spaces and full-width
digits are fine; a comma is refused (1,5 could mean 1.5 or 15). Integer answers must be exact; float answers
(batchnorm) are right within the topic's tolerance (rounded to 2 decimals: ±0.005). Every string gets a
Verdict and a message, never an exception.

    >>> from convviz.exercises.topics import generate
    >>> ex = generate("output_size", 3)
    >>> check(ex, str(ex.answer)).correct, check(ex, "banana").correct
    (True, False)
"""

from __future__ import annotations

import math
import re
import unicodedata
from fractions import Fraction

from convviz.exercises.base import DECIMALS, Exercise, Verdict, num
from convviz.exercises.topics import topic_spec

_DASHES = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\ufe63": "-", "\u00a0": " ",
                         "\u202f": " ", "\u2009": " ", "\u2044": "/", "\u2215": "/", "\u00f7": "/"})   # ½ → 1⁄2 → 1/2
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?", re.ASCII)
_RATIO = re.compile(r"([+-]?\d+)\s*/\s*([+-]?\d+)", re.ASCII)
_SQUARE = re.compile(r"(.+?)\s*[x×]\s*(.+)", re.ASCII | re.IGNORECASE)
MAX_CHARS = 40                                          # longer than any answer here, short of any harm
MAX_EXPONENT = 400                                      # 10**400 is cheap to build; 1e99999999 is not


def _single(text: str):
    """One number as an exact Fraction; ±inf (a number, just never an answer) when its exponent is beyond
    +MAX_EXPONENT, and the mantissa times 10**−MAX_EXPONENT (tiny, exact, not 0) beyond −MAX_EXPONENT;
    None if it is not a number. 0e999 is 0, 1e-31 is 10**−31."""
    match = _NUMBER.fullmatch(text)
    if match:
        exponent = 0 if match.group(1) is None else int(match.group(1))
        mantissa = Fraction(text[:match.start(1) - 1] if match.group(1) is not None else text)
        if mantissa == 0 or abs(exponent) <= MAX_EXPONENT:
            return mantissa * Fraction(10) ** exponent
        if exponent > 0:
            return math.copysign(math.inf, mantissa)
        return mantissa / Fraction(10) ** MAX_EXPONENT
    match = _RATIO.fullmatch(text)
    if match:
        den = int(match.group(2))
        return None if den == 0 else Fraction(int(match.group(1)), den)
    return None


def parse(response, side: bool = False) -> tuple[Fraction | float | None, str]:
    """(the number typed, "") or (None, why it is not one). Never raises.

    side: the question asks for one side of a square (a size, a receptive field), so "5x5" means 5;
    elsewhere "3x3" is refused, since as a count it would mean 9."""
    text = "" if response is None else str(response)
    if len(text) > 10 * MAX_CHARS:
        return None, f"That is {len(text):,} characters: type one number, e.g. 7 or 0.5."
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).strip()
    if not text:
        return None, "Type a number first."
    if len(text) > MAX_CHARS:
        return None, f"That is {len(text):,} characters: type one number, e.g. 7 or 0.5."
    if "," in text:
        return None, "Use a dot for decimals (1.5), not a comma, and one number only."
    value = _single(text)
    if value is None and "/" in text and _RATIO.fullmatch(text.replace(" ", "")):
        return None, "A fraction cannot divide by 0."
    if value is None:
        square = _SQUARE.fullmatch(text)
        if square:
            a, b = _single(square.group(1).strip()), _single(square.group(2).strip())
            if a is not None and b is not None and not side:
                return None, (f"{text!r} is a size, but this question asks for one number (a count or a value, not "
                              "a side length): type just that number.")
            if a is not None and a == b:
                value = a
            elif a is not None and b is not None:
                return None, "Kernels and inputs are square here: give one number (the rows, equal to the columns)."
    if value is None:
        shown = text if len(text) <= 20 else text[:17] + "..."
        return None, f"{shown!r} is not a number: type one, such as 7, −1.5 or 3/4."
    return value, ""


def _close(value, target, tolerance: float) -> bool:
    if tolerance == 0 and not isinstance(value, float) and not isinstance(target, float):
        return Fraction(value) == Fraction(target)
    if tolerance == 0 and isinstance(target, float) and not isinstance(value, float):
        return Fraction(value) == Fraction(target)          # start is a half-integer: exactly representable
    return abs(float(value) - float(target)) <= tolerance + 1e-9


def check(exercise: Exercise, response: str) -> Verdict:
    """Right, or wrong with a hint at the step most often missed. Never raises on any string."""
    spec = topic_spec(exercise.topic)
    side = spec.asks_side(exercise.params)
    value, problem = parse(response, side=side)
    if value is None:
        return Verdict(False, problem)
    if isinstance(value, float):                        # ±inf: a number, far from every answer and slip here
        return Verdict(False, f"Not quite: that is far larger than the answer. {spec.general}")
    tolerance = exercise.tolerance
    if _close(value, exercise.answer, tolerance):
        return Verdict(True, f"Correct: {num(exercise.answer) if not tolerance else f'{exercise.answer:.{DECIMALS}f}'}.")
    slack = tolerance or 0.01                           # an unfloored 10/3 + 1 typed as 4.33 still counts as that slip
    for wrong, message in spec.slips(exercise.params):
        if wrong is None or _close(wrong, exercise.answer, tolerance):
            continue
        exact = isinstance(wrong, int) or (isinstance(wrong, Fraction) and wrong.denominator == 1)
        if _close(value, wrong, 0 if exact and not tolerance else slack):
            return Verdict(False, f"Not quite. {message}")
    if isinstance(exercise.answer, int) and not (isinstance(value, Fraction) and value.denominator == 1):
        if side:
            return Verdict(False, "Not quite: a size is a whole number (the formula rounds the division down). "
                                  + spec.general)
        return Verdict(False, "Not quite: the answer is a whole number. " + spec.general)
    return Verdict(False, f"Not quite. {spec.general}")
