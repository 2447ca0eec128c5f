"""Torch references: the *_torch twins that the tests and the pages' checks compare the numpy compute with."""
