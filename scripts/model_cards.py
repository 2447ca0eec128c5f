"""Write assets/models/<name>.md for every shipped model from real numbers.

    python scripts/model_cards.py

Reads the weights' metadata (step, validation PSNR, training seconds, hardware),
runs/<name>/log.csv and sessions.jsonl (the learning curve and where training stands) and
assets/models/evaluation.json (written by `python -m convviz.evaluate`).
"""
import json
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from convviz import restore  # noqa: E402
from convviz.models import dncnn_s_macs_per_pixel  # noqa: E402

TRAIN_SR = ("Train400 (400 grayscale 180x180 BSD crops, ../shared/data/Train400), the last 8 held out for "
            "validation. HR = the gray image as luminance Y = (16 + 219 g)/255; LR = PIL Image.BICUBIC "
            "downscale of the whole uint8 image (as in the benchmark); aligned random crops of 96/s LR pixels, "
            "8 dihedral flips/rotations, batch 32, MSE loss, Adam, gradient norm clipped at 1.")
CARDS = {
    "ffdnet_gray": {
        "title": "FFDNet-style blind Gaussian denoiser (grayscale)",
        "summary": "One model for every noise level sigma in [0, 55] (0-255 scale). It works at half "
                   "resolution: pixel_unshuffle(2) turns the image into 4 sub-images, a noise-level map "
                   "(sigma/255) is appended, 12 conv3x3 layers (64 channels, ReLU) predict the noise, and "
                   "pixel_shuffle puts it back: denoised = noisy - predicted noise. Blind use estimates "
                   "sigma from the flattest 16x16 blocks of the finest wavelet band (`convviz/noise_level.py`, "
                   "`restore.estimate_noise_sigma`).",
        "module": "convviz/models/ffdnet.py (class FFDNet, depth=12, width=64)",
        "data": "Train400 (400 grayscale 180x180 BSD crops, ../shared/data/Train400), the last 8 held out "
                "for validation. Random 64x64 crops, 8 dihedral flips/rotations, batch 32, "
                "sigma ~ U[0, 55] per patch, noise N(0, sigma/255) unclipped, MSE loss, Adam, gradient norm "
                "clipped at 1. Validation: the 8 held-out images at sigma 15/25/50 (sigma given), mean PSNR.",
        "train_cmd": "python -m convviz.train denoise --minutes M [--lr LR]",
        "eval_keys": ("denoise", "BSD68", "Set12"),
    },
}
for s in (2, 3, 4):
    CARDS[f"srcnn_x{s}"] = {
        "title": f"SRCNN 9-1-5, x{s} (luminance)",
        "summary": "The classic three-layer super-resolution net of Dong et al. (2014): 9x9 conv to 64 "
                   "channels, 1x1 to 32, 5x5 to 1, on the bicubic-upscaled luminance. Zero 'same' padding "
                   "keeps the size (the paper uses 'valid' convolutions). Kept for teaching.",
        "module": "convviz/models/srcnn.py (class SRCNN, n1=64, n2=32)",
        "data": TRAIN_SR + " Input = PIL bicubic upscale (float mode) of the LR luminance."
                + ("" if s == 3 else " Warm-started from srcnn_x3's weights (SRCNN's weights do not depend on"
                   " the scale), then trained at this scale from step 0."),
        "train_cmd": f"python -m convviz.train sr --arch srcnn --scale {s} --minutes M [--lr LR]"
                     + ("" if s == 3 else " [--init assets/models/srcnn_x3.safetensors on the first run]"),
        "eval_keys": ("sr", "srcnn", s),
    }
for s in (2, 3, 4):
    CARDS[f"subpixel_x{s}"] = {
        "title": f"Sub-pixel (ESPCN-style) super-resolution, x{s} (luminance)",
        "summary": f"An efficient x{s} super-resolution net: every convolution runs on the low-resolution "
                   f"luminance (5x5 conv to 32 channels, 4 conv3x3 32->32, conv3x3 to {s * s} channels, ReLU), "
                   f"then pixel_shuffle({s}) and a bicubic skip connection: output = bicubic(LR) + learned detail.",
        "module": f"convviz/models/subpixel.py (class SubPixelSR, scale={s}, width=32, depth=4)",
        "data": TRAIN_SR,
        "train_cmd": f"python -m convviz.train sr --scale {s} --minutes M [--lr LR]",
        "eval_keys": ("sr", "subpixel", s),
    }


def read_log(name: str) -> list:
    path = REPO / "runs" / name / "log.csv"
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines()[1:]:
        step, seconds, lr, loss, val, extra = line.split(",", 5)
        rows.append({"step": int(step), "minutes": float(seconds) / 60, "lr": lr, "loss": float(loss),
                     "val": float(val), "extra": extra})
    return rows


def read_sessions(name: str) -> list:
    path = REPO / "runs" / name / "sessions.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def curve_table(rows: list, keep: int = 14) -> list:
    if not rows:
        return ["(no training log found under runs/)"]
    best = max(rows, key=lambda r: r["val"])
    picked = sorted({id(r): r for r in rows[:: max(1, len(rows) // keep)] + [rows[-1], best]}.values(),
                    key=lambda r: r["step"])
    lines = ["| step | training min | lr | train loss (MSE) | val PSNR dB | detail |", "|---|---|---|---|---|---|"]
    for r in picked:
        mark = " (best)" if r is best else ""
        lines.append(f"| {r['step']} | {r['minutes']:.1f} | {r['lr']} | {r['loss']:.3g} | {r['val']:.3f}{mark} | "
                     f"{r['extra'].replace(';', ', ')} |")
    if rows[0]["step"] > 200:       # a run that warm-started from the shipped weights (runs/ is not in git)
        lines += ["", f"The log starts at step {rows[0]['step']}: the run that wrote it warm-started from the shipped weights, "
                      "and the log of the steps before it stayed on an earlier machine; their curve is in this "
                      "card's git history (`git log -p assets/models/<name>.md`)."]
    return lines


def results_table(card: dict, evaluation: dict) -> list:
    if not evaluation:
        return ["(run `python -m convviz.evaluate` to fill this table)"]
    head = [f"Measured by `{evaluation['command']}` on {evaluation['date']}, {evaluation['machine']}, "
            f"{evaluation['threads']} thread(s)" + (" (quick subset)" if evaluation["quick"] else "") + ".", ""]
    kind = card["eval_keys"][0]
    if kind == "denoise":
        lines = ["| set | sigma | blind (sigma estimated) PSNR / SSIM | sigma given PSNR / SSIM | "
                 "DnCNN-S same inputs | target (BSD68) |", "|---|---|---|---|---|---|"]
        targets = {"15": 31.30, "25": 28.90, "50": 25.90}
        for key, r in evaluation["denoise"].items():
            set_name, sigma = key.split("/")
            d = r.get("dncnn_s")
            lines.append(f"| {set_name} ({r['blind']['images']} images) | {sigma} | {r['blind']['psnr']:.2f} / "
                         f"{r['blind']['ssim']:.4f} | {r['given']['psnr']:.2f} / {r['given']['ssim']:.4f} | "
                         f"{'-' if d is None else format(d['psnr'], '.2f')} | "
                         f"{targets[sigma] if set_name == 'BSD68' else '-'} |")
        t = evaluation.get("times", {})
        if "dncnn_s" in t:
            lines += ["", f"Median CPU time per BSD68 image (481x321), {evaluation['threads']} thread(s): blind "
                          f"{t['blind']:.3f} s (estimate + net), sigma given {t['given']:.3f} s, DnCNN-S "
                          f"{t['dncnn_s']:.3f} s (ratio blind / DnCNN-S {t['blind'] / t['dncnn_s']:.2f})."]
        return head + lines
    _, model, scale = card["eval_keys"]
    lines = ["| set | PIL bicubic PSNR / SSIM | this model PSNR / SSIM | gain dB |", "|---|---|---|---|"]
    for key, r in evaluation["sr"].items():
        set_name, s = key.split("/")
        if int(s) == scale and model in r:
            lines.append(f"| {set_name} x{s} | {r['bicubic']['psnr']:.2f} / {r['bicubic']['ssim']:.4f} | "
                         f"{r[model]['psnr']:.2f} / {r[model]['ssim']:.4f} | {r[model]['psnr'] - r['bicubic']['psnr']:+.2f} |")
    return head + lines + ["", "Y PSNR (BT.601 as MATLAB rgb2ycbcr), border of s pixels shaved, LR by PIL bicubic."]


def write_card(name: str, card: dict, evaluation: dict) -> None:
    model = restore.load_weights(restore.weights_path(name))
    meta = restore.read_metadata(restore.weights_path(name))
    params = sum(p.numel() for p in model.parameters())
    macs = model.macs_per_pixel()
    sessions = read_sessions(name)
    hardware = sorted({s["hardware"] for s in sessions if s["event"] == "start"}) or [meta.get("hardware", "?")]
    checkpoint = REPO / "runs" / name / "checkpoint.pt"
    last = {}
    if checkpoint.exists():
        last = dict(torch.load(checkpoint, map_location="cpu", weights_only=False)["state"])
        last["utc"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(checkpoint.stat().st_mtime))
    size_kb = restore.weights_path(name).stat().st_size / 1024
    ratio = f" ({macs / dncnn_s_macs_per_pixel():.3f} of DnCNN-S's 554112)" if name == "ffdnet_gray" else ""
    lines = [f"# {name}: {card['title']}", "", card["summary"], "",
             "## Architecture", "",
             f"- code: `{card['module']}` (the module docstring gives the formulas)",
             f"- parameters: {params:,}; weights file {size_kb:.0f} KB (float32 safetensors)",
             f"- MACs per output pixel: {macs:,.0f}{ratio} = {macs / 1e3:.3f} GMAC per megapixel",
             f"- receptive field: {model.receptive_field()} pixels"
             + (" (low-resolution)" if name.startswith("subpixel") else ""), "",
             "## Training", "", f"- data and recipe: {card['data']}",
             f"- shipped weights: step {meta.get('step')} (best validation PSNR so far, {meta.get('val_psnr')} dB), "
             f"after {float(meta.get('train_seconds', 0)) / 60:.1f} wall-clock min of training on a shared 2-core box "
             "(other work ran beside it, so wall time is the upper bound)",
             f"- hardware, over the invocations that trained it: {'; '.join(hardware)}; seeded (--seed 0)",
             "- learning rate and precision: Adam, set per invocation (scripts/train_all.sh, or by hand; each "
             f"invocation's arguments are in runs/{name}/sessions.jsonl; see the lr column below)", "",
             "## Where training stands", "",
             f"- checkpoint `runs/{name}/checkpoint.pt` (git-ignored): step {last.get('step', '?')}, "
             f"{last.get('train_seconds', 0) / 60:.1f} wall-clock min trained"
             + (f" ({last['cpu_seconds'] / 60:.1f} CPU min recorded since CPU time was logged)" if "cpu_seconds" in last else "")
             + f", best val {last.get('best_val', float('nan')):.3f} dB "
             f"at step {last.get('best_step', '?')}, saved {last.get('utc', '?')}",
             f"- resume exactly from it: `{card['train_cmd']}` (or `ROUNDS=forever scripts/train_all.sh` for all models); "
             "without the checkpoint the same command starts again from step 0 with the same seed",
             "- training may go on in the background after this card is written, with `--ship none` (best weights "
             f"kept in `runs/{name}/best.safetensors`; every invocation is listed in `runs/{name}/sessions.jsonl`); "
             "to ship them: "
             f"`cp runs/{name}/best.safetensors assets/models/{name}.safetensors`, then "
             "`python -m convviz.evaluate` and `python scripts/model_cards.py`",
             "- targets not yet met are listed in docs/benchmarks.md; more training (or a GPU) is the next step", "",
             "## Measured quality", ""] + results_table(card, evaluation) + [
             "", "## Learning curve (validation on the 8 held-out Train400 images)", ""] + curve_table(read_log(name)) + [
             "", "## Reproduce", "",
             "```", card["train_cmd"].replace(" [--lr LR]", "").replace("M", "30") + "   # repeat; resumes",
             "python -m convviz.evaluate", "python scripts/model_cards.py", "```", ""]
    restore.weights_path(name).with_suffix(".md").write_text("\n".join(lines))


def main() -> None:
    path = REPO / "assets" / "models" / "evaluation.json"
    evaluation = json.loads(path.read_text()) if path.exists() else {}
    for name, card in CARDS.items():
        if restore.weights_path(name).exists():
            write_card(name, card, evaluation)
            print("wrote", restore.weights_path(name).with_suffix(".md"))


if __name__ == "__main__":
    main()
