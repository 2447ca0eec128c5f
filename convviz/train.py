"""Train the restoration nets, resumably: `python -m convviz.train {denoise,sr} [options]`.

    python -m convviz.train denoise --minutes 30            # FFDNet-style blind denoiser
    python -m convviz.train sr --scale 3 --arch srcnn        # SRCNN 9-1-5 at x3
    python -m convviz.train sr --scale 2                     # the sub-pixel net at x2
    python -m convviz.train sr --arch checker_transposed     # a tiny x2 upsampler (also checker_resize, checker_icnr)

Each run lives in `<out>/<name>/` (default runs/, which git ignores): `checkpoint.pt` (model,
optimizer, step, RNG states, training seconds so far), `log.csv` (step, seconds, lr, loss,
validation PSNR) and `best.safetensors`. Running the same command again resumes exactly where the
checkpoint stopped. With no checkpoint (a new machine: runs/ is not in git) it warm-starts from the
shipped weights `<ship>/<name>.safetensors` (assets/models/ with `--ship none`) when they exist
(`--init none` starts from scratch;
`--init PATH` names another file this project trained). The best weights so far (by validation PSNR) are also copied to
`<ship>/<name>.safetensors` (default assets/models/).

`--precision bf16` autocasts the forward pass to bfloat16 (float32 weights, Adam state and validation): about
2x the steps per minute on CPUs with AVX512-BF16 and on GPUs.

Data: Train400 (180x180 grayscale BSD crops); the last 8 images (sorted) are held out for the
validation PSNR. Denoising: random 64x64 crops with flips/rot90, noise sigma ~ U[0, 55] per patch
(0-255 scale), loss = MSE. Super-resolution on luminance: LR = PIL bicubic downscale of the whole
uint8 image (as in the benchmark), Y = (16 + 219 g)/255, aligned random crops of 96/s LR pixels.
"""
import argparse
import json
import os
import platform
import signal
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from convviz.restoration import imaging
from convviz.restoration.models import build

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "Train400"
N_VAL = 8                       # last 8 training images: the held-out validation set
VAL_SIGMAS = (15, 25, 50)


def run_name(task: str, arch: str, scale: int) -> str:
    """ffdnet_gray for the denoiser, <arch>_x<scale> for super-resolution."""
    return "ffdnet_gray" if task == "denoise" else f"{arch}_x{scale}"


def load_gray_images(folder: Path) -> list:
    """All PNG/BMP/JPG images of `folder` in sorted order, as uint8 (H, W) grayscale."""
    files = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in {".png", ".bmp", ".jpg", ".tif"})
    if not files:
        raise FileNotFoundError(f"no images in {folder}")
    return [np.asarray(Image.open(p).convert("L")) for p in files]


def augment(patch: np.ndarray, k: int, flip: bool) -> np.ndarray:
    """One of the 8 dihedral transforms: rot90 k times, then an optional left-right flip."""
    patch = np.rot90(patch, k, axes=(-2, -1))
    return patch[..., ::-1] if flip else patch


class DenoiseData:
    """Random noisy/clean 64x64 patch batches and a fixed validation set."""

    def __init__(self, images: list, patch: int):
        self.train, self.val, self.patch = images[:-N_VAL], images[-N_VAL:], patch

    def batch(self, rng: np.random.Generator, gen: torch.Generator, size: int):
        p = self.patch
        patches = []
        for _ in range(size):
            img = self.train[rng.integers(len(self.train))]
            i, j = rng.integers(img.shape[0] - p + 1), rng.integers(img.shape[1] - p + 1)
            patches.append(augment(img[i:i + p, j:j + p], rng.integers(4), bool(rng.integers(2))))
        clean = torch.from_numpy(np.stack(patches)[:, None] / 255.0).float()      # (B, 1, p, p)
        sigma = torch.rand(size, generator=gen) * 55                              # (B,) 0-255 scale
        noisy = clean + torch.randn(clean.shape, generator=gen) * sigma.view(-1, 1, 1, 1) / 255
        return (noisy, sigma), clean

    def validate(self, model: torch.nn.Module, device: torch.device) -> dict:
        """Mean PSNR on the held-out images at sigma 15, 25, 50 (noise seeded by image index)."""
        result = {}
        for sigma in VAL_SIGMAS:
            scores = []
            for index, img in enumerate(self.val):
                clean = torch.from_numpy(imaging.to_float(img)).float()[None, None]
                noise = torch.randn(clean.shape, generator=torch.Generator().manual_seed(index)) * sigma / 255
                out = model((clean + noise).to(device), sigma).clamp(0, 1).cpu()
                scores.append(imaging.psnr(clean[0, 0].numpy(), out[0, 0].numpy()))
            result[f"val_psnr_s{sigma}"] = float(np.mean(scores))
        result["val_psnr"] = float(np.mean(list(result.values())))
        return result


class SRData:
    """Aligned LR/HR luminance patches; SRCNN gets the bicubic-upscaled LR as input."""

    def __init__(self, images: list, scale: int, patch: int, upscaled_input: bool):
        self.scale, self.patch, self.upscaled_input = scale, patch, upscaled_input
        self.triples = [self._prepare(imaging.crop_to_multiple(img, scale)) for img in images]
        self.train, self.val = self.triples[:-N_VAL], self.triples[-N_VAL:]

    def _prepare(self, hr_uint8: np.ndarray):
        s = self.scale
        H, W = hr_uint8.shape
        lr_uint8 = imaging.pil_bicubic(hr_uint8, (H // s, W // s))       # the benchmark's LR
        hr_y = imaging.gray_to_y(imaging.to_float(hr_uint8))
        lr_y = imaging.gray_to_y(imaging.to_float(lr_uint8))
        up_y = imaging.pil_bicubic(lr_y, (H, W))                          # SRCNN's input
        return hr_y.astype(np.float32), lr_y.astype(np.float32), up_y.astype(np.float32)

    def batch(self, rng: np.random.Generator, gen: torch.Generator, size: int):
        s, p = self.scale, self.patch // self.scale                        # p: LR patch size
        inputs, targets = [], []
        for _ in range(size):
            hr, lr, up = self.train[rng.integers(len(self.train))]
            i, j = rng.integers(lr.shape[0] - p + 1), rng.integers(lr.shape[1] - p + 1)
            k, flip = rng.integers(4), bool(rng.integers(2))
            source = up[s * i:s * (i + p), s * j:s * (j + p)] if self.upscaled_input else lr[i:i + p, j:j + p]
            inputs.append(augment(source, k, flip))
            targets.append(augment(hr[s * i:s * (i + p), s * j:s * (j + p)], k, flip))
        x = torch.from_numpy(np.stack(inputs)[:, None].copy())                   # (B, 1, p or sp, ...)
        y = torch.from_numpy(np.stack(targets)[:, None].copy())                  # (B, 1, sp, sp)
        return (x,), y

    def validate(self, model: torch.nn.Module, device: torch.device) -> dict:
        """Mean PSNR on Y of the held-out images, `scale` pixels shaved."""
        scores, bicubic = [], []
        for hr, lr, up in self.val:
            x = torch.from_numpy(up if self.upscaled_input else lr)[None, None].to(device)
            out = model(x).clamp(0, 1).cpu()[0, 0].numpy()
            scores.append(imaging.psnr(hr, out, shave=self.scale))
            bicubic.append(imaging.psnr(hr, up, shave=self.scale))
        return {"val_psnr": float(np.mean(scores)), "val_bicubic": float(np.mean(bicubic))}


def training_step(model: torch.nn.Module, optimizer: torch.optim.Optimizer, inputs: list, target: torch.Tensor,
                  bf16: bool = False) -> float:
    """One step: forward (bfloat16 autocast if `bf16`), MSE in float32, backward, gradient norm
    clipped at 1, optimizer step. Returns the loss."""
    device_type = target.device.type
    with torch.autocast(device_type, dtype=torch.bfloat16, enabled=bf16):
        output = model(*inputs)
    loss = torch.nn.functional.mse_loss(output.float(), target)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    return loss.item()


def save_weights(model: torch.nn.Module, path: Path, metadata: dict) -> None:
    """float32 safetensors with the architecture and its config in the metadata."""
    tensors = {k: v.detach().float().cpu().contiguous() for k, v in model.state_dict().items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    save_file(tensors, str(tmp), metadata={k: str(v) for k, v in metadata.items()})
    os.replace(tmp, path)


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_has_native_bf16(cpuinfo: str | None = None) -> bool:
    """Does the CPU compute in bfloat16 itself (AVX512-BF16 or AMX-BF16 in /proc/cpuinfo's flags)? Without
    it torch emulates bf16 and `--precision bf16` is much slower than float32 (17x on an AVX2-only EPYC,
    docs/benchmarks.md), not about 2x faster."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            return False
    flags = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.split(":", 1)[1].split())
    return bool(flags & {"avx512_bf16", "amx_bf16"})


def drop_log_rows_after(log_path: Path, step: int) -> int:
    """Remove log rows past `step`: a run killed (SIGKILL) after its last checkpoint logged steps that
    the resumed run will train again. Returns how many rows went."""
    lines = log_path.read_text().splitlines(keepends=True)
    kept = lines[:1] + [line for line in lines[1:] if int(line.split(",", 1)[0]) <= step]
    if len(kept) < len(lines):
        log_path.write_text("".join(kept))
    return len(lines) - len(kept)


def warm_start_path(args, name: str):
    """The weights file to warm-start from, or None. Published anchor weights are refused."""
    if args.init == "none":
        return None
    if args.init == "shipped":
        shipped = REPO / "assets" / "models" if str(args.ship) in ("", "none") else args.ship
        path = shipped / f"{name}.safetensors"
        return path if path.exists() else None
    path = Path(args.init)
    if "anchors" in path.resolve().parts:
        raise SystemExit("refusing to start from ../shared/anchors: those weights are only a yardstick")
    if not path.exists():
        raise SystemExit(f"--init {path}: no such file")
    return path


def warm_start(model: torch.nn.Module, path: Path, arch: str, device: torch.device) -> dict:
    """Load this project's safetensors into `model`; the training state its metadata records.

    Weights of the same architecture trained for another scale are accepted when their shapes fit
    (SRCNN: the scale only labels the bicubic input it saw). That is a new model started from them:
    step 0, no best validation yet (the old one was measured at the other scale).
    """
    with safe_open(str(path), framework="pt") as f:
        meta = dict(f.metadata() or {})
    stored = json.loads(meta.get("config", "{}"))
    wanted = model.config()
    without_scale = ({k: v for k, v in stored.items() if k != "scale"}, {k: v for k, v in wanted.items() if k != "scale"})
    same = meta.get("arch") == arch and stored == wanted
    other_scale = meta.get("arch") == arch and not same and without_scale[0] == without_scale[1]
    state = load_file(str(path), device=str(device))
    shapes_fit = all(k in state and state[k].shape == v.shape for k, v in model.state_dict().items())
    if not (same or (other_scale and shapes_fit)):
        raise SystemExit(f"{path} holds {meta.get('arch')} {meta.get('config')}, not {arch} {wanted}")
    model.load_state_dict(state)
    if other_scale:
        print(f"warm start from {path} (trained for scale {stored.get('scale')}): a new model from step 0")
        return {"step": 0, "train_seconds": 0.0, "best_val": -1.0, "best_step": 0}
    return {"step": int(meta.get("step", 0)), "train_seconds": float(meta.get("train_seconds", 0)),
            "best_val": float(meta.get("val_psnr", -1)), "best_step": int(meta.get("step", 0))}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m convviz.train", description=__doc__.split("\n")[0])
    parser.add_argument("task", choices=["denoise", "sr"])
    parser.add_argument("--scale", type=int, default=2, choices=[2, 3, 4], help="SR factor")
    parser.add_argument("--arch", default=None, choices=["ffdnet", "srcnn", "subpixel",
                                                         "checker_transposed", "checker_resize", "checker_icnr"],
                        help="default: ffdnet for denoise, subpixel for sr")
    parser.add_argument("--minutes", type=float, default=10.0, help="training time for this invocation")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=REPO / "runs")
    parser.add_argument("--ship", type=Path, default=REPO / "assets" / "models",
                        help="where the best weights are copied as <name>.safetensors")
    parser.add_argument("--lr", type=float, default=None, help="Adam learning rate (default 1e-3; "
                        "given on a resumed run it replaces the stored one)")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads on CPU")
    parser.add_argument("--val-every", type=int, default=None, help="steps between validations")
    parser.add_argument("--checkpoint-minutes", type=float, default=3.0)
    parser.add_argument("--max-steps", type=int, default=None, help="stop this invocation after so many "
                        "steps even if minutes remain (for tests and exact comparisons)")
    parser.add_argument("--precision", default="fp32", choices=["fp32", "bf16"],
                        help="bf16: autocast the forward pass to bfloat16 (float32 weights, optimizer and "
                        "validation); about 2x faster on CPUs with AVX512-BF16 and on GPUs")
    parser.add_argument("--init", default="shipped", help="weights to start from when there is no "
                        "checkpoint: 'shipped' (<ship>/<name>.safetensors if present), 'none', or a path")
    args = parser.parse_args(argv)
    args.arch = args.arch or ("ffdnet" if args.task == "denoise" else "subpixel")
    if (args.task == "denoise") != (args.arch == "ffdnet"):
        parser.error(f"--arch {args.arch} does not fit task {args.task}")
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    name = run_name(args.task, args.arch, args.scale)
    run_dir = args.out / name
    run_dir.mkdir(parents=True, exist_ok=True)

    torch.manual_seed(args.seed)
    if args.task == "denoise":
        model, batch_size, val_every = build("ffdnet", depth=12, width=64), 32, 200
        data = DenoiseData(load_gray_images(args.data), patch=64)
    else:
        model, batch_size, val_every = build(args.arch, scale=args.scale), 32, 200
        patch = 48 if args.arch == "srcnn" else 96   # SRCNN runs at high resolution: smaller crops (paper: 33)
        patch = 48 if args.arch.startswith("checker_") else patch   # the tiny x2 upsamplers of issue 34
        data = SRData(load_gray_images(args.data), args.scale, patch=patch, upscaled_input=args.arch == "srcnn")
    batch_size = args.batch_size or batch_size
    val_every = args.val_every or val_every
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    state = {"step": 0, "train_seconds": 0.0, "best_val": -1.0, "best_step": 0}

    checkpoint_path = run_dir / "checkpoint.pt"
    if checkpoint_path.exists():
        ckpt = torch.load(checkpoint_path, map_location=device, weights_only=False)
        model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        rng.bit_generator.state = ckpt["numpy_rng"]
        gen.set_state(ckpt["torch_rng"])
        state = ckpt["state"]
        print(f"resumed {name} at step {state['step']} ({state['train_seconds'] / 60:.1f} min trained)")
    else:
        init = warm_start_path(args, name)
        if init is not None:
            state.update(warm_start(model, init, args.arch, device))
            print(f"warm start of {name} from {init} (step {state['step']}, val PSNR {state['best_val']:.3f})")
    if args.lr is not None:
        for group in optimizer.param_groups:
            group["lr"] = args.lr
    lr = optimizer.param_groups[0]["lr"]

    def save_checkpoint():
        tmp = checkpoint_path.with_suffix(".tmp")
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "numpy_rng": rng.bit_generator.state, "torch_rng": gen.get_state(),
                    "state": state, "arch": args.arch, "config": model.config()}, tmp)
        os.replace(tmp, checkpoint_path)

    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))

    hardware = f"{device.type}: {torch.cuda.get_device_name() if device.type == 'cuda' else cpu_name()}, {args.threads} thread(s)"
    if args.precision == "bf16" and device.type == "cpu" and not cpu_has_native_bf16():
        print("warning: this CPU has no AVX512-BF16 or AMX-BF16, so bf16 autocast is emulated and much slower than "
              "float32 here (17x in docs/benchmarks.md); use --precision fp32", file=sys.stderr, flush=True)
    if args.precision != "fp32":
        hardware += f", {args.precision} autocast"
    with open(run_dir / "sessions.jsonl", "a") as f:
        f.write(json.dumps({"event": "start", "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                            "step": state["step"], "lr": lr, "minutes": args.minutes, "hardware": hardware,
                            "argv": argv if argv is not None else sys.argv[1:]}) + "\n")
    log_path = run_dir / "log.csv"
    if not log_path.exists():
        log_path.write_text("step,train_seconds,lr,loss,val_psnr,extra\n")
    drop_log_rows_after(log_path, state["step"])

    def validate_and_ship():
        """Validation PSNR, a log line, and the weights when they are the best so far."""
        nonlocal losses
        t0 = time.time()
        model.eval()
        with torch.inference_mode():
            val = data.validate(model, device)
        model.train()
        state["train_seconds"] += time.time() - t0
        state["last_val_step"] = state["step"]
        extra = ";".join(f"{k}={v:.3f}" for k, v in val.items() if k != "val_psnr")
        loss = np.mean(losses) if losses else float("nan")
        line = f"{state['step']},{state['train_seconds']:.1f},{lr:g},{loss:.6g},{val['val_psnr']:.4f},{extra}"
        losses = []
        with open(log_path, "a") as f:
            f.write(line + "\n")
        print(line, flush=True)
        if val["val_psnr"] > state["best_val"]:
            state["best_val"], state["best_step"] = val["val_psnr"], state["step"]
            meta = {"arch": args.arch, "config": json.dumps(model.config()), "task": args.task,
                    "step": state["step"], "val_psnr": f"{val['val_psnr']:.4f}",
                    "train_seconds": f"{state['train_seconds']:.0f}", "hardware": hardware}
            save_weights(model, run_dir / "best.safetensors", meta)
            if str(args.ship) not in ("", "none"):
                save_weights(model, args.ship / f"{name}.safetensors", meta)

    start_step, budget = state["step"], args.minutes * 60
    started = last_checkpoint = time.time()
    losses = []
    model.train()
    max_steps = args.max_steps if args.max_steps is not None else float("inf")
    while time.time() - started < budget and not stop["now"] and state["step"] - start_step < max_steps:
        t0, c0 = time.time(), time.process_time()
        inputs, target = data.batch(rng, gen, batch_size)
        inputs = [t.to(device) if torch.is_tensor(t) else t for t in inputs]
        losses.append(training_step(model, optimizer, inputs, target.to(device), bf16=args.precision == "bf16"))
        state["step"] += 1
        state["train_seconds"] += time.time() - t0                    # wall clock: includes waiting for a core
        state["cpu_seconds"] = state.get("cpu_seconds", 0.0) + time.process_time() - c0

        if state["step"] % val_every == 0:
            validate_and_ship()
        if time.time() - last_checkpoint > args.checkpoint_minutes * 60:
            save_checkpoint()
            last_checkpoint = time.time()

    if state["step"] > start_step and state.get("last_val_step") != state["step"]:
        validate_and_ship()   # so that every run, however short, logs and ships its result
    save_checkpoint()
    with open(run_dir / "sessions.jsonl", "a") as f:
        f.write(json.dumps({"event": "stop", "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                            "step": state["step"], "steps_this_run": state["step"] - start_step,
                            "train_seconds": round(state["train_seconds"], 1),
                            "cpu_seconds": round(state.get("cpu_seconds", 0.0), 1),
                            "best_val": state["best_val"], "best_step": state["best_step"]}) + "\n")
    print(f"stopped {name} at step {state['step']}; best val PSNR {state['best_val']:.3f} at step {state['best_step']}")


if __name__ == "__main__":
    main()
