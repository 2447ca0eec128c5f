"""ConvViz: the arithmetic of convolutional networks, computed and checked against torch.

Everything here is pure compute and figure building; streamlit lives only in `app.py`,
`pages/` and `convviz/ui/`.
"""
