"""Write assets/models/checker_*_x2.md, the cards of the tiny x2 upsamplers of issue 34, from real numbers.

    python scripts/checkerboard_cards.py

Reads each weights file's metadata (step, validation PSNR, training seconds, hardware), runs/<name>/log.csv (the
learning curve; kept from the previous card when runs/ is gone) and measures the period-2 share of the upsampled
cameraman the way the page does (convviz.ui.cache.transposed_convolution.trained).
"""
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from convviz import restore  # noqa: E402
from convviz.restoration.models import build  # noqa: E402

LABELS = {"checker_transposed": ("transposed convolution k3 s2", "nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, "
                                 "output_padding=1)"),
          "checker_resize": ("resize-convolution", "nearest x2 (F.interpolate), then nn.Conv2d(16, 1, 3, padding=1)"),
          "checker_icnr": ("pixel shuffle with ICNR", "nn.Conv2d(16, 4, 3, padding=1) started with ICNR (the 4 "
                           "sub-pixel filters equal), then F.pixel_shuffle(2)")}
CURVE = "## Learning curve (validation on the 8 held-out Train400 images)"


def curve(name: str, before: str) -> list[str]:
    log = REPO / "runs" / name / "log.csv"
    if log.exists():
        rows = [line.split(",") for line in log.read_text().splitlines()[1:]]
        return ["| step | training s | lr | train loss (MSE) | val PSNR dB | detail |", "|---|---|---|---|---|---|"] + [
            f"| {r[0]} | {float(r[1]):.0f} | {r[2]} | {r[3]} | {r[4]} | {r[5].replace(';', ', ')} |" for r in rows]
    if CURVE in before:                                   # runs/ is not in git: keep the previous card's table
        return [line for line in before.split(CURVE, 1)[1].split("\n## ", 1)[0].strip().splitlines()]
    return ["(no training log found under runs/)"]


def main() -> None:
    from convviz.ui.cache.transposed_convolution import trained

    measured = trained()
    for arch, (title, layer) in LABELS.items():
        name = f"{arch}_x2"
        path = restore.weights_path(name)
        if not path.exists():
            continue
        meta = restore.read_metadata(path)
        params = sum(p.numel() for p in build(arch, scale=2).parameters())
        card = path.with_suffix(".md")
        before = card.read_text() if card.exists() else ""
        result = measured["results"][arch]
        lines = [f"# {name}: tiny x2 upsampler, {title} (issue 34: checkerboard artifacts)", "",
                 "Two 3x3 convolutions (1 -> 16 -> 16 channels, ReLU) on the low-resolution luminance, then the upsampling "
                 f"layer: {layer}. No skip connection, so the artifacts of the upsampling layer show in the image. "
                 "Shown on /transposed_convolution#checkerboard, run in numpy (convviz.checkerboard.trained_upsample).", "",
                 "## Architecture", "",
                 f"- code: `convviz/restoration/models/upsamplers.py` (class for `{arch}`, scale=2, width=16)",
                 f"- parameters: {params:,}; float32 safetensors", "",
                 "## Training", "",
                 "- data and recipe: Train400 (../shared/data/Train400), the last 8 images held out for validation; "
                 "LR = PIL bicubic downscale of the whole uint8 image, Y = (16 + 219 g)/255; aligned random crops of "
                 "48x48 HR (24x24 LR) pixels, 8 dihedral flips/rotations, batch 32, MSE, Adam lr 1e-3, gradient norm "
                 "clipped at 1, seed 0, from torch's default initialisation (`--init none`)",
                 f"- shipped weights: step {meta.get('step')}, validation PSNR {meta.get('val_psnr')} dB (PIL bicubic: "
                 "27.941 dB), after "
                 f"{float(meta.get('train_seconds', 0)):.0f} wall-clock seconds on a shared 2-core box ({meta.get('hardware')})",
                 "- deliberately short (a few hundred steps): the section shows what training does to the artifact, "
                 "not the best upsampler", "",
                 "## Measured on the page's photo", "",
                 f"- the cameraman, 192x192 luminance shrunk to 96x96 (PIL bicubic) and enlarged by this net: PSNR "
                 f"{result['psnr']:.2f} dB (2 px shaved; PIL bicubic {measured['bicubic_psnr']:.2f} dB)",
                 "- share of the power of what it adds to PIL bicubic (output - bicubic) on the period-2 lines: "
                 f"{result['added']:.4g} (with its random starting weights: {result['before']:.4g}; the original's own "
                 f"detail, original - bicubic: {measured['original']:.4g})", "",
                 CURVE, ""] + curve(name, before) + [
                 "", "## Reproduce", "", "```",
                 f"python -m convviz.train sr --arch {arch} --scale 2 --max-steps 800 --val-every 200 --init none",
                 "python scripts/checkerboard_cards.py", "```", ""]
        card.write_text("\n".join(lines))
        print("wrote", card)


if __name__ == "__main__":
    main()
