"""The streamlit side of ConvViz: URL-bound widgets, shared layout, caches.

pandas and pyarrow are imported here, whole, before any page runs. Streamlit runs each session's
script in its own thread, and plotly (`_plotly_utils.basevalidators.is_homogeneous_array`) and
narwhals peek into `sys.modules` for them without importing: while one session's thread was
still importing pandas, twenty sessions opening a link at once got "partially initialized module
'pandas' has no attribute 'Series'" (bench/load_test.py found it). An `import` statement waits
for a module another thread is importing, so every page, which imports convviz.ui, sees them whole.
"""

import pandas  # noqa: F401
import pyarrow  # noqa: F401
