"""Which device the models run on: the first CUDA GPU when torch sees one, else the CPU."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def compute_device() -> str:
    """'cuda' or 'cpu', as a torch device string."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def device_description() -> str:
    """A sentence for the page: the GPU's name, or that the CPU is used."""
    import torch

    if compute_device() == "cuda":
        return f"GPU: {torch.cuda.get_device_name(0)}"
    return f"CPU ({torch.get_num_threads()} threads; no CUDA GPU found)"
