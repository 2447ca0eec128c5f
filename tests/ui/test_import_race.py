"""convviz.ui imports pandas and pyarrow whole before any page code runs (see convviz/ui/__init__.py).

Checked in a fresh interpreter, since this test process has imported both long ago.
"""

import subprocess
import sys


def test_convviz_ui_imports_what_plotly_peeks_at():
    code = ("import sys; import convviz.ui; "
            "assert hasattr(sys.modules['pandas'], 'Series') and hasattr(sys.modules['pyarrow'], 'Array')")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
