"""The PyTorch code each lesson prints: one module per lesson (named like its page), `common` for what they share.

Every snippet is plain text built from the numbers the page shows; the tests run each one with exec and check
that it prints those numbers.
"""
