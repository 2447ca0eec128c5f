"""What several lessons use: course-note links, share links, settings checks, example inputs, explanations,
thumbnails, and the batch-norm training demo (run by its lesson, its cache and scripts/make_bn_demo.py)."""
