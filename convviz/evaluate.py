"""Benchmark the shipped restoration nets: `python -m convviz.evaluate [--quick] [--threads 1]`.

Protocol (issue 4), everything in float64 unless said otherwise:

- Denoising, BSD68 and Set12 at sigma = 15, 25, 50: clean = PNG / 255; the i-th image in sorted
  file order (i from 0) gets noise `torch.randn((H, W), generator=torch.Generator().manual_seed(i))
  * sigma / 255` (float32, not clipped); PSNR (data range 1) and SSIM (skimage
  structural_similarity, data_range=1, default 7x7 window) of the output clipped to [0, 1].
  "blind" = `restore.denoise(noisy)` (sigma estimated); "sigma given" = `restore.denoise(noisy, sigma)`;
  "blind x4" = `restore.denoise(noisy, ensemble=4)`: the same blind model averaged over the four
  rotations of the input (geometric self-ensemble, convviz/restoration/self_ensemble.py), four passes.
- Super-resolution, Set5 and Set14 at x2, x3, x4: HR = RGB cropped to a multiple of s;
  LR = PIL Image.BICUBIC downscale of the uint8 RGB HR; PSNR on Y (BT.601, MATLAB rgb2ycbcr,
  Y/255 in [16/255, 235/255], not rounded) with s pixels shaved. Baseline: PIL bicubic upscale of
  the uint8 LR. The nets see Y of the LR (see `restore.upscale_y`), output clipped to [0, 1].
- When ../shared/anchors/dncnn-s exists, the published DnCNN-S (one model per sigma) runs on the
  very same noisy inputs; its weights are read here only, for comparison, never by the app.
  CPU time per image (median over BSD68, 481x321) is measured for both with the same thread count.

It prints a markdown table, writes assets/models/evaluation.json (read by scripts/model_cards.py)
and rewrites the part of docs/benchmarks.md between the restoration markers.
"""
import argparse
import json
import platform
import subprocess
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from skimage.metrics import structural_similarity

from convviz import restore

from convviz.restoration import imaging
from convviz.train import cpu_name

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SIGMAS = (15, 25, 50)
ENSEMBLE = 4      # copies in the "blind x4" row: restore.denoise(noisy, ensemble=ENSEMBLE)
SCALES = (2, 3, 4)
BEGIN, END = "<!-- restoration:begin -->", "<!-- restoration:end -->"
# Published reference numbers quoted in issue 4 (BSD68 PSNR; Set5 Y PSNR).
DENOISE_TARGET = {15: 31.30, 25: 28.90, 50: 25.90}
BM3D = {15: 31.07, 25: 28.57, 50: 25.62}
SR_TARGET = {2: 36.5, 3: 32.6, 4: 30.3}
SET5_BICUBIC = {2: 33.66, 3: 30.39, 4: 28.42}


def image_files(folder: Path) -> list:
    return sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in {".png", ".bmp", ".jpg", ".tif"})


def seeded_noise(shape: tuple, index: int, sigma: float) -> torch.Tensor:
    """The protocol's noise for the index-th image: randn(shape, seed=index) * sigma / 255 (float32)."""
    return torch.randn(shape, generator=torch.Generator().manual_seed(index)) * sigma / 255


def noisy_pair(path: Path, index: int, sigma: float):
    """(clean, noisy) float64 (H, W): clean = PNG / 255, noisy = clean + seeded noise, unclipped."""
    clean = imaging.to_float(Image.open(path).convert("L"))
    noise = seeded_noise(clean.shape, index, sigma).double().numpy()
    return clean, clean + noise


def ssim(reference: np.ndarray, estimate: np.ndarray) -> float:
    return float(structural_similarity(reference, estimate, data_range=1.0))


def sr_pair(path: Path, scale: int):
    """(hr_uint8, lr_uint8) RGB: HR cropped to a multiple of scale, LR = PIL bicubic downscale."""
    hr = imaging.crop_to_multiple(np.asarray(Image.open(path).convert("RGB")), scale)
    return hr, imaging.pil_bicubic(hr, (hr.shape[0] // scale, hr.shape[1] // scale))


def bicubic_y(lr_uint8: np.ndarray, scale: int) -> np.ndarray:
    """Y of the PIL bicubic upscale of the uint8 RGB LR (the baseline)."""
    up = imaging.pil_bicubic(lr_uint8, (scale * lr_uint8.shape[0], scale * lr_uint8.shape[1]))
    return imaging.rgb_to_y(imaging.to_float(up))


def y_scores(hr_y: np.ndarray, sr_y: np.ndarray, scale: int):
    """(PSNR, SSIM) on Y with `scale` pixels shaved."""
    s = scale
    return imaging.psnr(hr_y, sr_y, shave=s), ssim(hr_y[s:-s, s:-s], sr_y[s:-s, s:-s])


def dncnn_s(sigma: int):
    """The published DnCNN-S for one sigma, as a function noisy (H, W) -> denoised, or None if absent.

    16 x [conv3x3 + ReLU] then conv3x3, BN merged; output = noisy - net(noisy) (../shared/anchors/README.md).
    """
    path = SHARED / "anchors" / "dncnn-s" / f"sigma{sigma}.npz"
    if not path.exists():
        return None
    weights = np.load(path)
    convs = []
    for k in range(17):
        w = torch.from_numpy(weights[f"w{k}"]).float()
        conv = torch.nn.Conv2d(w.shape[1], w.shape[0], 3, padding=1)
        conv.weight.data.copy_(w)
        conv.bias.data.copy_(torch.from_numpy(weights[f"b{k}"]).float())
        convs += [conv, torch.nn.ReLU()] if k < 16 else [conv]
    net = torch.nn.Sequential(*convs).eval()

    def run(noisy: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            x = torch.from_numpy(noisy).float()[None, None]          # (1, 1, H, W)
            return (x - net(x))[0, 0].double().numpy()
    return run


def timed(fn):
    """(fn(), wall seconds)."""
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def evaluate_denoising(sets: dict, use_anchor: bool) -> dict:
    """sets: name -> list of files. Returns nested results with per-image times on BSD68."""
    results = {}
    for set_name, files in sets.items():
        for sigma in SIGMAS:
            reference = dncnn_s(sigma) if use_anchor else None
            rows = {"blind": [], "blind_x4": [], "given": [], "dncnn_s": []}
            times = {key: [] for key in rows}
            for index, path in enumerate(files):
                clean, noisy = noisy_pair(path, index, sigma)
                runs = {"blind": lambda: restore.denoise(noisy), "given": lambda: restore.denoise(noisy, sigma),
                        "blind_x4": lambda: restore.denoise(noisy, ensemble=ENSEMBLE)}
                if reference is not None:
                    runs["dncnn_s"] = lambda: np.clip(reference(noisy), 0, 1)
                for key, run in runs.items():
                    out, seconds = timed(run)
                    times[key].append(seconds)
                    rows[key].append((imaging.psnr(clean, out), ssim(clean, out)))
            results[f"{set_name}/{sigma}"] = {
                key: {"psnr": float(np.mean([r[0] for r in v])), "ssim": float(np.mean([r[1] for r in v])),
                      "median_seconds": float(np.median(times[key])), "images": len(v)}
                for key, v in rows.items() if v}
            print(set_name, sigma, {k: round(v["psnr"], 3) for k, v in results[f"{set_name}/{sigma}"].items()},
                  flush=True)
    return results


def evaluate_sr(sets: dict) -> dict:
    results = {}
    for set_name, files in sets.items():
        for scale in SCALES:
            rows = {"bicubic": [], "subpixel": [], "srcnn": []}
            for path in files:
                hr, lr = sr_pair(path, scale)
                hr_y = imaging.rgb_to_y(imaging.to_float(hr))
                lr_y = imaging.rgb_to_y(imaging.to_float(lr))
                rows["bicubic"].append(y_scores(hr_y, bicubic_y(lr, scale), scale))
                for model in ("subpixel", "srcnn"):
                    if scale in restore.SR_MODELS[model] and restore.weights_path(restore.SR_MODELS[model][scale]).exists():
                        sr_y = np.clip(restore.upscale_y(lr_y, scale, model), 0, 1)
                        rows[model].append(y_scores(hr_y, sr_y, scale))
            results[f"{set_name}/{scale}"] = {
                key: {"psnr": float(np.mean([r[0] for r in v])), "ssim": float(np.mean([r[1] for r in v])),
                      "images": len(v)} for key, v in rows.items() if v}
            print(set_name, scale, {k: round(v["psnr"], 3) for k, v in results[f"{set_name}/{scale}"].items()},
                  flush=True)
    return results


def fmt(entry: dict | None) -> str:
    return "-" if entry is None else f"{entry['psnr']:.2f} / {entry['ssim']:.4f}"


def markdown(report: dict) -> str:
    lines = [f"Measured {report['date']} on {report['machine']}, torch {report['torch']}, "
             f"{report['threads']} thread(s), commit {report['commit']}.",
             f"Command: `{report['command']}`" + (" (quick subset)" if report["quick"] else "") + ".", ""]
    lines.append("Models: " + ", ".join(f"`{n}` step {m.get('step')}" for n, m in report["models"].items()) + ".")
    lines += ["", "**Denoising** (PSNR dB / SSIM; noise seeded per image; one blind model for all sigma)", "",
              "| set | sigma | ours, blind (sigma estimated) | ours, blind, x4 self-ensemble | ours, sigma given "
              "| DnCNN-S (published weights) | BM3D (paper) | target (BSD68) |", "|---|---|---|---|---|---|---|---|"]
    for key, r in report["denoise"].items():
        set_name, sigma = key.split("/")
        bsd = set_name == "BSD68"
        lines.append(f"| {set_name} ({r['blind']['images']}) | {sigma} | {fmt(r.get('blind'))} | "
                     f"{fmt(r.get('blind_x4'))} | {fmt(r.get('given'))} | "
                     f"{fmt(r.get('dncnn_s'))} | {BM3D[int(sigma)] if bsd else '-'} | "
                     f"{DENOISE_TARGET[int(sigma)] if bsd else '-'} |")
    times = report.get("times")
    if times:
        lines += ["", f"CPU time per BSD68 image (481x321, median over all sigmas, {report['threads']} thread(s)): "
                      f"ours blind {times['blind']:.3f} s (noise estimate + net), ours blind x4 self-ensemble "
                      f"{times['blind_x4']:.3f} s, ours sigma given {times['given']:.3f} s"
                      + (f", DnCNN-S {times['dncnn_s']:.3f} s; ratio to DnCNN-S: blind {times['blind'] / times['dncnn_s']:.2f}, "
                         f"blind x4 {times['blind_x4'] / times['dncnn_s']:.2f}" if "dncnn_s" in times else "") + "."]
    macs, reference = report['macs']['ffdnet_gray'], report['macs']['dncnn_s']
    lines += ["", f"MACs per pixel: ours {macs:.0f} ({macs / reference:.3f} of DnCNN-S's {reference:.0f}); "
                  f"with the x{ENSEMBLE} self-ensemble {ENSEMBLE * macs:.0f} ({ENSEMBLE * macs / reference:.3f}).",
              "", "**Super-resolution** (Y PSNR dB / SSIM, BT.601, shave = scale; LR by PIL bicubic)", "",
              "| set | scale | PIL bicubic | SRCNN 9-1-5 (ours) | sub-pixel (ours) | published bicubic | target (Set5) |",
              "|---|---|---|---|---|---|---|"]
    for key, r in report["sr"].items():
        set_name, scale = key.split("/")
        set5 = set_name == "Set5"
        lines.append(f"| {set_name} | x{scale} | {fmt(r.get('bicubic'))} | {fmt(r.get('srcnn'))} | "
                     f"{fmt(r.get('subpixel'))} | {SET5_BICUBIC[int(scale)] if set5 else '-'} | "
                     f"{SR_TARGET[int(scale)] if set5 else '-'} |")
    return "\n".join(lines + [""] + target_lines(report))


def target_lines(report: dict) -> list:
    """Issue 4's targets, each marked met or not met from this run's numbers."""
    def verdict(ok):
        return "met" if ok else "**not met**"
    out = ["**Issue 4 targets in this run**" + (" (quick subset: indicative only)" if report["quick"] else "") + ":", ""]
    t = report.get("times", {})
    for key, label in (("blind", "blind, one pass"), ("blind_x4", f"blind, x{ENSEMBLE} self-ensemble")):
        for sigma in SIGMAS:
            r = report["denoise"].get(f"BSD68/{sigma}", {}).get(key)
            if r:
                out.append(f"- BSD68 sigma {sigma}, {label} >= {DENOISE_TARGET[sigma]}: {r['psnr']:.2f} "
                           f"({verdict(r['psnr'] >= DENOISE_TARGET[sigma])})")
        if "dncnn_s" in t and key in t:
            out.append(f"- CPU time per BSD68 image, {label}, <= DnCNN-S's: {t[key]:.3f} s vs {t['dncnn_s']:.3f} s "
                       f"({verdict(t[key] <= t['dncnn_s'])})")
    for scale in SCALES:
        r = report["sr"].get(f"Set5/{scale}", {})
        if "subpixel" in r:
            out.append(f"- Set5 x{scale} sub-pixel >= {SR_TARGET[scale]}: {r['subpixel']['psnr']:.2f} "
                       f"({verdict(r['subpixel']['psnr'] >= SR_TARGET[scale])})")
        if "bicubic" in r:
            gap = r["bicubic"]["psnr"] - SET5_BICUBIC[scale]
            out.append(f"- Set5 x{scale} PIL bicubic within 0.05 dB of {SET5_BICUBIC[scale]}: "
                       f"{r['bicubic']['psnr']:.2f} ({gap:+.3f}, {verdict(abs(gap) <= 0.05)})")
    r = report["sr"].get("Set5/3", {})
    if "srcnn" in r:
        gain = r["srcnn"]["psnr"] - r["bicubic"]["psnr"]
        out.append(f"- SRCNN x3 >= bicubic + 1.5 dB on Set5: {gain:+.2f} dB ({verdict(gain >= 1.5)})")
    return out


def write_benchmarks(text: str, path: Path = REPO / "docs" / "benchmarks.md") -> None:
    """Replace what lies between the restoration markers, leave the rest of the file alone."""
    doc = path.read_text()
    if BEGIN not in doc or END not in doc:
        raise ValueError(f"{path} lacks the markers {BEGIN} / {END}")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m convviz.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED / "data")
    parser.add_argument("--quick", action="store_true", help="first 8 BSD68 and 4 Set12 images only")
    parser.add_argument("--no-anchor", action="store_true", help="skip the published DnCNN-S")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads for every timing")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)

    bsd, set12 = image_files(args.data / "BSD68"), image_files(args.data / "Set12")
    if args.quick:
        bsd, set12 = bsd[:8], set12[:4]
    denoise = evaluate_denoising({"BSD68": bsd, "Set12": set12}, use_anchor=not args.no_anchor)
    sr = evaluate_sr({"Set5": image_files(args.data / "Set5"), "Set14": image_files(args.data / "Set14")})
    times = {}
    for key in ("blind", "blind_x4", "given", "dncnn_s"):
        per_sigma = [denoise[f"BSD68/{s}"][key]["median_seconds"] for s in SIGMAS if key in denoise[f"BSD68/{s}"]]
        if per_sigma:
            times[key] = float(np.median(per_sigma))
    models = {}
    for name in [restore.DENOISER] + [n for m in restore.SR_MODELS.values() for n in m.values()]:
        if restore.weights_path(name).exists():
            models[name] = restore.read_metadata(restore.weights_path(name))
    from convviz.restoration.models import dncnn_s_macs_per_pixel
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    report = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": f"{cpu_name()} ({platform.machine()})",
              "torch": torch.__version__, "threads": args.threads, "commit": commit or "?", "quick": args.quick,
              "command": "python -m convviz.evaluate" + (" --quick" if args.quick else "") + f" --threads {args.threads}",
              "models": models, "denoise": denoise, "sr": sr, "times": times,
              "macs": {"ffdnet_gray": restore.load_model(restore.DENOISER).macs_per_pixel(),
                       "dncnn_s": dncnn_s_macs_per_pixel()}}
    text = markdown(report)
    print(text)
    if not args.no_write:
        (REPO / "assets" / "models" / "evaluation.json").write_text(json.dumps(report, indent=1) + "\n")
        write_benchmarks(text)


if __name__ == "__main__":
    main()
