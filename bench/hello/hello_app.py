"""The framework's floor for bench/bench_browser.py: one number input, one text, one 8×8 plotly heatmap.

Served by its own `streamlit run` (not a ConvViz page): whatever a ConvViz page costs beyond this page's
time from a change to its redrawn heatmap is ours, not Streamlit's.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

n = st.number_input("Number", min_value=0, max_value=100, value=1, step=1, key="n")
st.write(f"The heatmap shows (i + j) mod {n + 2}.")
i, j = np.indices((8, 8))
st.plotly_chart(go.Figure(go.Heatmap(z=(i + j) % (n + 2), showscale=False)), key="grid")
