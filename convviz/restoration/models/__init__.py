"""The project's own restoration networks, one module per architecture.

- `ffdnet.FFDNet`: blind Gaussian denoiser working at half resolution (Zhang et al. 2018).
- `srcnn.SRCNN`: the classic 9-1-5 super-resolution net on bicubic-upscaled luminance (Dong et al. 2014).
- `subpixel.SubPixelSR`: an ESPCN-style sub-pixel net on low-resolution luminance (Shi et al. 2016).
- `upsamplers.CheckerTransposed`, `CheckerResize`, `CheckerICNR`: tiny ×2 upsamplers for the checkerboard section.

`build(arch, **config)` makes any of them from the name and config stored in a weights file.
"""
from convviz.restoration.models.ffdnet import FFDNet
from convviz.restoration.models.srcnn import SRCNN
from convviz.restoration.models.subpixel import SubPixelSR
from convviz.restoration.models.upsamplers import CheckerICNR, CheckerResize, CheckerTransposed

ARCHITECTURES = {"ffdnet": FFDNet, "srcnn": SRCNN, "subpixel": SubPixelSR,
                 "checker_transposed": CheckerTransposed, "checker_resize": CheckerResize, "checker_icnr": CheckerICNR}


def build(arch: str, **config):
    """Make the network called `arch` ("ffdnet", "srcnn" or "subpixel") with `config`."""
    if arch not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {arch!r}; choose one of {sorted(ARCHITECTURES)}")
    return ARCHITECTURES[arch](**config)


def dncnn_s_macs_per_pixel(depth: int = 17, width: int = 64) -> int:
    """MACs per pixel of DnCNN-S (Zhang et al. 2017): 1->w, (depth-2) x w->w, w->1, all 3x3.

    9*w + (depth-2)*9*w*w + 9*w = 576 + 15*36864 + 576 = 554112 for depth 17, width 64,
    so 554 GMAC per megapixel (554112 MACs per pixel times 10^6 pixels).
    """
    return 9 * width + (depth - 2) * 9 * width * width + 9 * width
