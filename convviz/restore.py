"""The app's restoration API: denoise and upscale numpy images with the project's own nets.

    denoise(image, sigma=None) -> np.ndarray        # FFDNet-style blind denoiser, sigma on 0-255 scale
    denoise(image, sigma, ensemble=4)               # the same, averaged over 4 rotations (self_ensemble.py)
    estimate_noise_sigma(image) -> float            # the blind part: noise level from flat wavelet blocks
    upscale(image, scale, model="subpixel") -> np.ndarray   # x2, x3, x4 on luminance
    model_info(name) -> dict                        # params, MACs, device, model-card summary
    feature_maps(image, layer, sigma=None) -> np.ndarray    # the denoiser's activations

Images are float arrays in [0, 1], (H, W) or (H, W, 3) (uint8 is accepted and divided by 255).
Colour conventions: `denoise` runs the grayscale model on the orthonormal opponent planes
(restoration/colour.py; colour_space="rgb": on each of R, G, B with one sigma);
`upscale` runs the model on Y (BT.601 as MATLAB's rgb2ycbcr) and PIL bicubic on Cb and Cr.
Weights come from assets/models/<name>.safetensors, are loaded once per process
(functools.lru_cache) and run on CUDA when present, in torch.inference_mode, tiled with overlap,
one run at a time across all sessions (convviz.restoration.inference_queue.INFERENCE, first come first served).
"""
import json
import threading
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import load_file

from convviz.restoration import colour, imaging

from convviz.restoration import noise_level
from convviz.restoration.inference_queue import INFERENCE
from convviz.restoration.models import build, dncnn_s_macs_per_pixel
from convviz.restoration.self_ensemble import self_ensemble
from convviz.restoration.tiling import tiled_apply

MODEL_DIR = Path(__file__).resolve().parents[1] / "assets" / "models"
DENOISER = "ffdnet_gray"
SR_MODELS = {"subpixel": {2: "subpixel_x2", 3: "subpixel_x3", 4: "subpixel_x4"}, "srcnn": {s: f"srcnn_x{s}" for s in (2, 3, 4)}}
TILE = 512   # input pixels per tile side: about 64 MB of activations for the denoiser in float32


def device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def weights_path(name: str) -> Path:
    return MODEL_DIR / f"{name}.safetensors"


def read_metadata(path: Path) -> dict:
    with safe_open(str(path), framework="pt") as f:
        return dict(f.metadata() or {})


def load_weights(path: Path) -> torch.nn.Module:
    """Build the net named in the file's metadata and load its tensors (eval mode, on CPU)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"model weights {path} are missing; train them with `python -m convviz.train` "
                                f"(see assets/models/*.md) or restore the file from git")
    meta = read_metadata(path)
    model = build(meta["arch"], **json.loads(meta["config"]))
    model.load_state_dict(load_file(str(path)))
    return model.eval()


_LOADING = threading.Lock()   # two sessions asking at once still load a model once


@lru_cache(maxsize=None)
def _load_model(name: str) -> torch.nn.Module:
    return load_weights(weights_path(name)).to(device())


def load_model(name: str) -> torch.nn.Module:
    """The shipped model `name`, loaded once per process, on `device()`."""
    with _LOADING:
        return _load_model(name)


def _as_float_image(image) -> np.ndarray:
    image = np.asarray(image)
    if image.dtype == np.uint8:
        image = imaging.to_float(image)
    if not np.issubdtype(image.dtype, np.floating):
        raise ValueError(f"image must be float in [0, 1] or uint8, got dtype {image.dtype}")
    if image.ndim == 3 and image.shape[2] == 4:
        image = image[..., :3]   # drop alpha
    if not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 3)):
        raise ValueError(f"image must be (H, W) or (H, W, 3), got shape {image.shape}")
    return image.astype(np.float64, copy=False)


def estimate_noise_sigma(image) -> float:
    """Noise standard deviation on the 0-255 scale: `noise_level.blockwise_sigma`, the finest wavelet
    band's flattest 16x16 blocks (20th percentile of their RMS over its pure-noise value). Colour:
    the mean over the three orthonormal opponent channels (colour.opponent_sigma: white noise of σ on
    R, G and B is white noise of σ on each of them); a gray picture stored as RGB: its one channel."""
    image = _as_float_image(image)
    if image.ndim == 2:
        return float(255.0 * noise_level.blockwise_sigma(image))
    if colour.is_gray(image):
        return float(255.0 * noise_level.blockwise_sigma(image[..., 0]))
    # colour.opponent_sigma, one opponent plane at a time: a 24 MP photo needs one (H, W) float64 plane, not three
    return float(255.0 * np.mean([noise_level.blockwise_sigma(image @ row) for row in colour.OPPONENT]))


def _run_denoiser(planes: np.ndarray, sigma: float, tile: int, ensemble: int = 1) -> np.ndarray:
    """planes: (B, H, W) float -> (B, H, W) denoised, not clipped; `ensemble` rotated copies averaged."""
    with INFERENCE.turn(), torch.inference_mode():
        model = load_model(DENOISER)
        x = torch.from_numpy(planes).float()[:, None].to(device())          # (B, 1, H, W)
        y = self_ensemble(lambda v: tiled_apply(lambda t: model(t, sigma), v, tile=tile, overlap=32, align=2),
                          x, ensemble)
    return y[:, 0].double().cpu().numpy()                                   # (B, H, W)


COLOUR = ("opponent", "rgb")   # denoise's colour handling: the opponent planes (default), or R, G, B apart


def _as_view(image: np.ndarray) -> torch.Tensor:
    """(H, W) or (H, W, 3) uint8 or float -> (1, C, H, W) tensor sharing the array's memory (no copy, CPU); each
    tile is moved to device() as float32 by `_tile_input`, so a 24 MP photo is never copied whole."""
    with warnings.catch_warnings():             # a read-only array (a cached upload) is only read, never written
        warnings.simplefilter("ignore", UserWarning)
        x = torch.from_numpy(image if min(image.strides) >= 0 else np.ascontiguousarray(image))
    return x[None, None] if image.ndim == 2 else x.permute(2, 0, 1)[None]


def _tile_input(t: torch.Tensor) -> torch.Tensor:
    """A tile of `_as_view`: float32 on device(), uint8 divided by 255."""
    x = t.to(device(), torch.float32)
    return x.div_(255.0) if t.dtype == torch.uint8 else x


def _colour_tile(model, sigma: float, ensemble: int):
    """t (1, 3, h, w) RGB -> (1, 3, h, w): to the opponent planes (colour.py), the net on each with its
    own σ, and back; the network's turn is taken per tile, so other sessions' runs go in between."""
    to = torch.tensor(colour.OPPONENT * colour.SCALE[:, None], dtype=torch.float32, device=device())
    back = torch.tensor(colour.OPPONENT.T / colour.SCALE[None, :], dtype=torch.float32, device=device())
    shift = torch.tensor(colour.SHIFT, dtype=torch.float32, device=device())[:, None, None]
    sigmas = torch.tensor(colour.plane_sigmas(sigma), dtype=torch.float32, device=device())

    def run(t: torch.Tensor) -> torch.Tensor:
        planes = torch.einsum("pc,chw->phw", to, _tile_input(t[0])) + shift   # (3, h, w)
        with INFERENCE.turn(), torch.inference_mode():
            y = self_ensemble(lambda v: model(v, sigmas), planes[:, None], ensemble)[:, 0]
        return torch.einsum("cp,phw->chw", back, y - shift)[None]            # (1, 3, h, w)
    return run


def _plain_tile(model, sigma: float, ensemble: int):
    """t (B, 1, h, w) -> the net on each plane with one σ (gray images, or R, G, B apart)."""
    def run(t: torch.Tensor) -> torch.Tensor:
        with INFERENCE.turn(), torch.inference_mode():
            return self_ensemble(lambda v: model(v, sigma), _tile_input(t), ensemble)
    return run


def denoise(image, sigma=None, *, ensemble: int = 1, tile: int = TILE, colour_space: str = "opponent",
            progress=None, dtype=np.float64) -> np.ndarray:
    """Remove additive Gaussian noise of level `sigma` (0-255 scale; None: estimate it).

    image: (H, W) or (H, W, 3) float (values outside [0, 1], unclipped noise, are allowed) or uint8.
    Returns the same shape, clipped to [0, 1], in `dtype` (float64, or float32 to halve a large result).
    Colour: colour_space "opponent" (default) denoises the orthonormal opponent planes of
    convviz/restoration/colour.py (luminance with σ/√3, two chroma planes with σ; CBM3D's colour step),
    "rgb" runs the grayscale model on each of R, G and B with one σ. A gray picture stored as RGB is
    denoised once, as gray. ensemble: 1 (one pass), or 2, 4, 8 rotated/flipped copies averaged
    (`self_ensemble.ENSEMBLES`; about 0.1 dB better with 4, at 4 times the time). The image is cut into
    tiles of `tile` pixels (tiling.py); progress(done, total) is called after each (it may raise to stop).
    """
    if colour_space not in COLOUR:
        raise ValueError(f"colour_space must be one of {', '.join(COLOUR)}, got {colour_space!r}")
    image = np.asarray(image)
    if image.dtype != np.uint8:
        image = _as_float_image(image)
    elif image.ndim == 3 and image.shape[2] == 4:
        image = image[..., :3]
    if not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 3)):
        raise ValueError(f"image must be (H, W) or (H, W, 3), got shape {image.shape}")
    if sigma is None:
        sigma = estimate_noise_sigma(image)
    if not 0 <= float(sigma) <= 255:
        raise ValueError(f"sigma is on the 0-255 scale, got {sigma}")
    sigma = float(sigma)
    if image.ndim == 3 and colour.is_gray(image):
        one = denoise(image[..., 0], sigma, ensemble=ensemble, tile=tile, progress=progress, dtype=dtype)
        return np.repeat(one[..., None], 3, axis=-1)
    model = load_model(DENOISER)
    x = _as_view(image)                                                       # (1, C, H, W), no copy
    result = np.empty(image.shape, dtype=dtype)                               # written tile by tile
    out = torch.from_numpy(result)
    out = out[None, None] if image.ndim == 2 else out.permute(2, 0, 1)[None]  # (1, C, H, W) view of it
    if image.ndim == 3 and colour_space == "opponent":
        fn = _colour_tile(model, sigma, ensemble)
    else:
        x, out = x.transpose(0, 1), out.transpose(0, 1)                       # (C, 1, H, W): planes apart
        fn = _plain_tile(model, sigma, ensemble)
    with torch.inference_mode():
        tiled_apply(lambda t: fn(t).cpu(), x, tile=tile, overlap=32, align=2, progress=progress, out=out)
    np.clip(result, 0.0, 1.0, out=result)
    return result


def upscale_y(y: np.ndarray, scale: int, model: str = "subpixel", *, tile: int = TILE, progress=None) -> np.ndarray:
    """Super-resolve a luminance plane (H, W) in Y/255 units -> (sH, sW), not clipped; progress as in `denoise`."""
    name = _sr_name(model, scale)
    H, W = y.shape
    if model == "srcnn":   # SRCNN works on the bicubic-upscaled plane
        x = torch.from_numpy(imaging.pil_bicubic(y, (scale * H, scale * W))).float()[None, None]
        s = 1
    else:
        x = torch.from_numpy(y).float()[None, None]                           # (1, 1, H, W)
        s = scale
    net = load_model(name)

    def run(t: torch.Tensor) -> torch.Tensor:                                # the turn per tile, as in denoise
        with INFERENCE.turn(), torch.inference_mode():
            return net(t)
    with torch.inference_mode():
        out = tiled_apply(run, x.to(device()), tile=tile, overlap=16, scale=s, progress=progress)   # (1, 1, sH, sW)
        return out[0, 0].double().cpu().numpy()


def _sr_name(model: str, scale: int) -> str:
    if model not in SR_MODELS:
        raise ValueError(f"model must be one of {sorted(SR_MODELS)}, got {model!r}")
    if scale not in SR_MODELS[model]:
        raise ValueError(f"{model} is trained for scale {sorted(SR_MODELS[model])}, got {scale}")
    return SR_MODELS[model][scale]


def upscale(image, scale: int, model: str = "subpixel", *, tile: int = TILE, progress=None,
            dtype=np.float64) -> np.ndarray:
    """Super-resolve by `scale` in {2, 3, 4} with `model` "subpixel" or "srcnn" (one set of weights per scale).

    image: (H, W) or (H, W, 3) float in [0, 1]. Returns (sH, sW) or (sH, sW, 3) in [0, 1], in `dtype`.
    Gray images go through Y = (16 + 219 g)/255; colour: the net on Y, PIL bicubic on Cb, Cr.
    progress(done, total) after each tile of the net (as in `denoise`).
    """
    image = _as_float_image(image)
    _sr_name(model, scale)
    H, W = image.shape[:2]
    if image.ndim == 2:
        y = upscale_y(imaging.gray_to_y(image), scale, model, tile=tile, progress=progress)
        return np.clip(imaging.y_to_gray(y), 0.0, 1.0).astype(dtype, copy=False)
    ycbcr = imaging.rgb_to_ycbcr(image)
    y = upscale_y(ycbcr[..., 0], scale, model, tile=tile, progress=progress)
    chroma = imaging.pil_bicubic(ycbcr[..., 1:], (scale * H, scale * W))    # (sH, sW, 2)
    return np.clip(imaging.ycbcr_to_rgb(np.concatenate([y[..., None], chroma], axis=-1)), 0.0, 1.0).astype(
        dtype, copy=False)


def feature_maps(image, layer: int, sigma=None) -> np.ndarray:
    """The denoiser's activations after conv layer `layer` (1-based): (width, ceil(H/2), ceil(W/2)).

    image: (H, W) float (colour is converted to gray by averaging); sigma as in `denoise`.
    """
    image = _as_float_image(image)
    if image.ndim == 3:
        image = image.mean(axis=-1)
    if sigma is None:
        sigma = estimate_noise_sigma(image)
    x = torch.from_numpy(image).float()[None, None]                           # (1, 1, H, W)
    with INFERENCE.turn(), torch.inference_mode():
        model = load_model(DENOISER)
        return model.feature_maps(x.to(device()), float(sigma), layer)[0].cpu().numpy()   # (width, H', W')


def model_info(name: str = DENOISER) -> dict:
    """Name, architecture, config, parameters, MACs per pixel and per megapixel, device,
    training metadata and the first paragraph of the model card."""
    path = weights_path(name)
    model = load_model(name)
    meta = read_metadata(path)
    card = path.with_suffix(".md")
    summary = ""
    if card.exists():
        paragraphs = [p.strip() for p in card.read_text().split("\n\n") if p.strip() and not p.startswith("#")]
        summary = paragraphs[0] if paragraphs else ""
    macs = float(model.macs_per_pixel())
    return {"name": name, "arch": meta.get("arch"), "config": json.loads(meta.get("config", "{}")),
            "params": sum(p.numel() for p in model.parameters()), "macs_per_pixel": macs,
            "gmacs_per_megapixel": macs / 1e3, "macs_vs_dncnn_s": macs / dncnn_s_macs_per_pixel(),
            "device": str(device()), "step": meta.get("step"), "val_psnr": meta.get("val_psnr"),
            "train_seconds": meta.get("train_seconds"), "card": str(card), "card_summary": summary}
