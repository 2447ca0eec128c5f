"""Names vulture (tests/pages/test_dead_code.py) may not see used in app.py, convviz/, pages/ or scripts/, and why.

vulture reads this file as code: a bare name marks every definition of that name as used, `_.name` an
attribute. Each entry must still be flagged without this file (the test checks), so a stale one is noticed.
"""
# ruff: noqa: F821, B018

# --- Public API: the compute layer's functions (like torch.nn.functional), checked against torch in tests ---
conv_backward  # convviz/backprop.py: dL/dx, dL/dw, dL/db of a conv (tests/compute/test_backprop.py)
convolution_sum_commuted  # convviz/matrix.py: the sum with x and w swapped (tests/compute/test_matrix.py)
skip_crops  # convviz/unet.py: U-Net skip crops (tests/compute/test_unet.py)
working_sizes  # convviz/unet.py: the input sizes a U-Net takes (tests/compute/test_unet.py)
PAPER_OUTPUT  # convviz/unet.py: the published output size beside PAPER_INPUT (Ronneberger et al. 2015, Fig. 1)
_.rows_cols  # convviz/window.py: a window's rows and columns (tests/compute/test_window.py)
filter_torch  # convviz/torch_ref/checks.py: the torch twin of a filter (tests)
empirical_receptive_field  # convviz/torch_ref/receptive.py (issue 31's public name)
effective_field_width  # convviz/torch_ref/receptive.py (issue 31's public name)
__getattr__  # convviz/receptive.py: the lazy re-export of the two names above (tests/pages/test_layers.py)

# --- The stage's scene contract (convviz/ui/stage/README.md), read in Python by the tests ---
GRID_KEYS  # convviz/lessons/scenes/common.py
STEP_KEYS  # convviz/lessons/scenes/common.py
SCENE_KEYS  # convviz/lessons/scenes/common.py
steps_reading  # convviz/lessons/scenes/common.py: what stage.js marks on hover (used by the browser tests too)

# --- The test harness (convviz/testing/), used by tests/ and bench/ ---
running_app
launch_chromium
wait_for_app

# --- Set on plotly objects, read by plotly ---
_.yshift

# --- Owned by an open change; revisit ---
to_planes  # owned by an open change; revisit (convviz/restoration/colour.py)
from_planes  # owned by an open change; revisit (convviz/restoration/colour.py)
opponent_sigma  # convviz/restoration/colour.py: a colour image's σ as defined (tests/restoration/test_restore.py)
original_size  # owned by an open change; revisit (convviz/restoration/image_input.py)
_.waiting  # owned by an open change; revisit (convviz/restoration/inference_queue.py)
wavelet_mad_sigma  # owned by an open change; revisit (convviz/restoration/noise_level.py)
_run_denoiser  # owned by an open change; revisit (convviz/restore.py)
data_digest  # owned by an open change; revisit (convviz/ui/cache/restoration.py)
mtime  # owned by an open change; revisit (convviz/ui/cache/restoration.py)
direct_max  # owned by an open change; revisit (convviz/lessons/super_resolution.py; its caller pages/super_resolution.py)
cached_scatter_figure  # owned by an open change; revisit (ui/cache/transposed_convolution.py, figures/transposed_convolution.py)
preview_size  # owned by an open change; revisit (convviz/ui/compare/geometry.py)
SIZES  # owned by an open change; revisit (convviz/ui/stage/__init__.py)
