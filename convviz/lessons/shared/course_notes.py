"""The course notes the lessons cite ("note 004", "Exercise 7.1 (note 004)"): what each one is, in one line, so a
reader without them knows what a citation points to (issue 33). The notes themselves are not shipped (they live
in ../shared/course-notes/, which the app does not need); these lines were written from them.

`link_notes` turns every citation in a piece of markdown into a link to the home page's "Course notes" section.
"""

from __future__ import annotations

import re

ANCHOR = "course-notes"
HREF = f"./#{ANCHOR}"          # relative: the home page under whatever base address (or proxy prefix) the app has

# (number, source, what it covers and where the lessons use it)
NOTES = [
    ("000", "Ernest K. Ryu, *Mathematical Foundations of Deep Neural Networks*, chapter 4 “CNNs for other supervised "
            "learning tasks” (Seoul National University, spring 2024)",
     "inverse problems, Gaussian denoising and super-resolution with CNNs (SRCNN and its successors), the "
     "transposed convolution as the matrix transpose, upsampling and U-Net: the transposed-convolution, matrix, "
     "denoising and super-resolution lessons."),
    ("001", "“Tutorial 12: Introduction to CNNs”, Digital Image Processing (236860)",
     "from dictionary learning and convolutional sparse coding (one ISTA step is a CNN layer) to CNNs, pooling, "
     "encoder–decoders and CNNs for inverse problems: the matrix and zoo lessons."),
    ("002", "Tammy Riklin Raviv, *Deep Learning and Its Application to Signal and Image Processing and Analysis*, "
            "class V (spring 2021)",
     "convolution variants (1×1, dilated, transposed, pixel shuffle, depthwise and spatially separable), the "
     "receptive-field arithmetic of n, j, r and start, and batch normalization: the receptive-field, zoo, matrix "
     "and batch-norm lessons."),
    ("003", "“Week 3: Convolutional Neural Networks”, course notes (published 5 March 2025)",
     "convolution against cross-correlation, a convolutional layer's forward and backward pass, pooling, "
     "semantic segmentation, transposed convolution, bed-of-nails and max unpooling, U-Net: the convolution and "
     "transposed-convolution lessons."),
    ("004", "Muchang Bahng, *Convolutional Neural Networks* (spring 2023)",
     "images as tensors, classic filters, convolution arithmetic, pooling, AlexNet and VGG, residual networks, "
     "deconvolution, saliency maps (CAM, Grad-CAM) and exercises (Exercise 7.1 is the convolution lesson's worked "
     "example)."),
]

NUMBER = r"00[0-4]"
CITATION = re.compile(rf"\b(?P<cite>[Nn]otes?\s+{NUMBER}(?:(?:,\s*|\s+and\s+){NUMBER})*)\b(?!\]|\()")


def link_notes(text: str, href: str = HREF) -> str:
    """`text` (markdown) with each citation of the notes ("note 004", "Notes 000 and 003") made a link to `href`.
    Citations already inside a link, code or a formula are left alone.

    >>> link_notes("Exercise 7.1 (note 004); notes 000 and 003.")
    'Exercise 7.1 ([note 004](./#course-notes)); [notes 000 and 003](./#course-notes).'
    """
    parts = re.split(r"(\[[^\]]*\]\([^)]*\)|`[^`]*`|\$[^$]*\$)", text)      # links, code and formulas: kept as they are
    return "".join(part if n % 2 else CITATION.sub(lambda m: f"[{m['cite']}]({href})", part)
                   for n, part in enumerate(parts))
