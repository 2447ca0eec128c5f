"""Write assets/models/<name>.md for every shipped model from real numbers.

    python scripts/model_cards.py

Reads the weights' metadata (step, validation PSNR, training seconds, hardware),
runs/<name>/log.csv and sessions.jsonl (the learning curve and where training stands) and
assets/models/evaluation.json (written by `python -m convviz.evaluate`).

runs/ is not in git, so a new machine starts without it. The card is then the only record of the
earlier training: the learning-curve rows and hardware of the card being replaced are carried over
(rows for steps the local log does not cover), so that rewriting the cards never loses history.
"""
import json
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from convviz import restore  # noqa: E402
from convviz.evaluate import DENOISE_TARGET, fmt  # noqa: E402
from convviz.restoration.models import dncnn_s_macs_per_pixel  # noqa: E402

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
                   "sigma from the flattest 16x16 blocks of the finest wavelet band (`convviz/restoration/noise_level.py`, "
                   "`restore.estimate_noise_sigma`).",
        "module": "convviz/restoration/models/ffdnet.py (class FFDNet, depth=12, width=64)",
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
        "module": "convviz/restoration/models/srcnn.py (class SRCNN, n1=64, n2=32)",
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
        "module": f"convviz/restoration/models/subpixel.py (class SubPixelSR, scale={s}, width=32, depth=4)",
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


CURVE_HEADING = "## Learning curve (validation on the 8 held-out Train400 images)"
HARDWARE_LINE = "- hardware, over the invocations that trained it: "


def previous_card(name: str) -> str:
    path = restore.weights_path(name).with_suffix(".md")
    return path.read_text() if path.exists() else ""


def card_curve_rows(card_text: str) -> list:
    """The learning-curve rows of an existing card, in read_log's format."""
    if CURVE_HEADING not in card_text:
        return []
    rows = []
    for line in card_text.split(CURVE_HEADING, 1)[1].split("\n## ", 1)[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].isdigit():
            rows.append({"step": int(cells[0]), "minutes": float(cells[1]), "lr": cells[2], "loss": float(cells[3]),
                         "val": float(cells[4].split()[0]), "extra": cells[5].replace(", ", ";")})
    return rows


def card_hardware(card_text: str) -> list:
    for line in card_text.splitlines():
        if line.startswith(HARDWARE_LINE):
            return [h.strip() for h in line[len(HARDWARE_LINE):].split(";") if h.strip() and "seed" not in h]
    return []


def curve_table(rows: list, keep: int = 14, carried: list = ()) -> list:
    """Up to `keep` rows of the local log (evenly spaced, the last and the best always), after the
    carried-over rows of the previous card for steps before the log starts (all of them)."""
    first_logged = rows[0]["step"] if rows else float("inf")
    carried = [r for r in carried if r["step"] < first_logged]
    if not rows and not carried:
        return ["(no training log found under runs/)"]
    best = max(rows + carried, key=lambda r: r["val"])
    sampled = rows[:: max(1, len(rows) // keep)] + rows[-1:] if rows else []
    picked = sorted({id(r): r for r in carried + sampled + [best]}.values(), key=lambda r: r["step"])
    lines = ["| step | training min | lr | train loss (MSE) | val PSNR dB | detail |", "|---|---|---|---|---|---|"]
    for r in picked:
        mark = " (best)" if r is best else ""
        lines.append(f"| {r['step']} | {r['minutes']:.1f} | {r['lr']} | {r['loss']:.3g} | {r['val']:.3f}{mark} | "
                     f"{r['extra'].replace(';', ', ')} |")
    if carried and rows:
        lines += ["", f"Rows before step {rows[0]['step']} are carried over from the previous card: they were logged on "
                      "an earlier machine, whose runs/ is gone (the full tables are in this card's git history, "
                      "`git log -p assets/models/<name>.md`); from that step on they come from runs/<name>/log.csv."]
    elif carried:
        lines += ["", "These rows are carried over from the previous card: no training log of this model is on this "
                      "machine (runs/ is not in git)."]
    elif picked[0]["step"] > 200:   # a run that warm-started from the shipped weights (runs/ is not in git)
        lines += ["", f"The log starts at step {picked[0]['step']}: the run that wrote it warm-started from the shipped weights, "
                      "and the log of the steps before it stayed on an earlier machine; their curve is in this "
                      "card's git history (`git log -p assets/models/<name>.md`)."]
    return lines


def seeds_used(sessions: list) -> str:
    seeds = set()
    for s in sessions:
        argv = s.get("argv") or []
        if s["event"] == "start":
            seeds.add(argv[argv.index("--seed") + 1] if "--seed" in argv[:-1] else "0")
    here = f"this machine's invocations: {', '.join(f'--seed {x}' for x in sorted(seeds))}; " if seeds else ""
    return here + "earlier machines' invocations: this card's git history"


def results_table(card: dict, evaluation: dict) -> list:
    if not evaluation:
        return ["(run `python -m convviz.evaluate` to fill this table)"]
    head = [f"Measured by `{evaluation['command']}` on {evaluation['date']}, {evaluation['machine']}, "
            f"{evaluation['threads']} thread(s)" + (" (quick subset)" if evaluation["quick"] else "") + ".", ""]
    kind = card["eval_keys"][0]
    if kind == "denoise":
        lines = ["| set | sigma | blind (sigma estimated) PSNR / SSIM | blind, x4 self-ensemble PSNR / SSIM | "
                 "sigma given PSNR / SSIM | DnCNN-S same inputs | target (BSD68) |", "|---|---|---|---|---|---|---|"]
        for key, r in evaluation["denoise"].items():
            set_name, sigma = key.split("/")
            d = r.get("dncnn_s")
            lines.append(f"| {set_name} ({r['blind']['images']} images) | {sigma} | {fmt(r['blind'])} | "
                         f"{fmt(r.get('blind_x4'))} | {fmt(r['given'])} | "
                         f"{'-' if d is None else format(d['psnr'], '.2f')} | "
                         f"{DENOISE_TARGET[int(sigma)] if set_name == 'BSD68' else '-'} |")
        t = evaluation.get("times", {})
        if "dncnn_s" in t:
            lines += ["", f"Median CPU time per BSD68 image (481x321), {evaluation['threads']} thread(s): blind "
                          f"{t['blind']:.3f} s (estimate + net), sigma given {t['given']:.3f} s, DnCNN-S "
                          f"{t['dncnn_s']:.3f} s (ratio blind / DnCNN-S {t['blind'] / t['dncnn_s']:.2f})"
                          + (f"; blind x4 self-ensemble {t['blind_x4']:.3f} s (ratio {t['blind_x4'] / t['dncnn_s']:.2f})"
                             if "blind_x4" in t else "") + "."]
        return head + lines
    _, model, scale = card["eval_keys"]
    lines = ["| set | PIL bicubic PSNR / SSIM | this model PSNR / SSIM | gain dB |", "|---|---|---|---|"]
    for key, r in evaluation["sr"].items():
        set_name, s = key.split("/")
        if int(s) == scale and model in r:
            lines.append(f"| {set_name} x{s} | {fmt(r['bicubic'])} | {fmt(r[model])} | "
                         f"{r[model]['psnr'] - r['bicubic']['psnr']:+.2f} |")
    return head + lines + ["", "Y PSNR (BT.601 as MATLAB rgb2ycbcr), border of s pixels shaved, LR by PIL bicubic."]


def write_card(name: str, card: dict, evaluation: dict) -> None:
    model = restore.load_weights(restore.weights_path(name))
    meta = restore.read_metadata(restore.weights_path(name))
    params = sum(p.numel() for p in model.parameters())
    macs = model.macs_per_pixel()
    sessions = read_sessions(name)
    before = previous_card(name)
    hardware = sorted({s["hardware"] for s in sessions if s["event"] == "start"} | set(card_hardware(before))) \
        or [meta.get("hardware", "?")]
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
             f"{HARDWARE_LINE}{'; '.join(hardware)}; seeded ({seeds_used(sessions)})",
             "- learning rate and precision: Adam, set per invocation (scripts/train_all.sh, or by hand; each "
             f"invocation's arguments are in runs/{name}/sessions.jsonl; see the lr column below)", "",
             "## Where training stands", "",
             (f"- checkpoint `runs/{name}/checkpoint.pt` (git-ignored): step {last.get('step', '?')}, "
              f"{last.get('train_seconds', 0) / 60:.1f} wall-clock min trained"
              + (f" ({last['cpu_seconds'] / 60:.1f} CPU min recorded since CPU time was logged)" if "cpu_seconds" in last else "")
              + f", best val {last.get('best_val', float('nan')):.3f} dB "
              f"at step {last.get('best_step', '?')}, saved {last.get('utc', '?')}") if last else
             (f"- no checkpoint on the machine that wrote this card (runs/ is not in git): training goes on from the "
              f"shipped weights (step {meta.get('step')}), with a fresh Adam state"),
             f"- resume: `{card['train_cmd']}` (or `ROUNDS=forever scripts/train_all.sh` for all models) continues "
             "exactly from the checkpoint; without one it warm-starts from the shipped weights (`--init none`: from "
             "scratch). After a warm start, begin with a small learning rate (5e-5): Adam's first steps, with no "
             "moment estimates yet, move every weight by about lr",
             "- training may go on in the background after this card is written, with `--ship none` (best weights "
             f"kept in `runs/{name}/best.safetensors`; every invocation is listed in `runs/{name}/sessions.jsonl`); "
             "to ship them: "
             f"`cp runs/{name}/best.safetensors assets/models/{name}.safetensors`, then "
             "`python -m convviz.evaluate` and `python scripts/model_cards.py`",
             "- the targets of issue 4, each marked met or not, are in docs/benchmarks.md (Restoration models); the single pass"
             " still trails the x4 self-ensemble by about 0.1 dB, so more training (or a GPU) still pays", "",
             "## Measured quality", ""] + results_table(card, evaluation) + [
             "", CURVE_HEADING, ""] + curve_table(read_log(name), carried=card_curve_rows(before)) + [
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
