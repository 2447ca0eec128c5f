"""Pictures for slides: a view drawn as labelled number grids, saved as PNG, SVG or animated GIF.

Drawn with Pillow and plain SVG text, not plotly, so exporting needs no browser (plotly's own
image export needs kaleido and Chromium). A `Scene` is what one step of a step-by-step view
shows: a few grids side by side, boxes on them, and a caption; convviz.lessons.scenes.common.export_frame
makes one from a step of the stage's scene. Colours follow the app: values blue (negative), white (0),
red (positive); padding grey; the current window magenta.
Every picture has the 16:9 size asked for, whatever the grids, so it drops into a slide.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from convviz.figures.common import short_number

MAGENTA = "#e4007c"
NEGATIVE, ZERO, POSITIVE = np.array([33, 102, 172]), np.array([255, 255, 255]), np.array([178, 24, 43])
PADDING = np.array([200, 200, 200])
EMPTY = np.array([243, 243, 243])       # a cell with no number yet (the stage's empty cell)
EMPTY_READ, PADDING_READ = np.array([244, 166, 207]), np.array([219, 183, 202])   # the same under the window: pink
GAP = 0.06                    # white gap between cells, as a fraction of the cell
PNG_SIZE = (1920, 1080)       # full-HD slide
GIF_SIZE = (960, 540)         # a quarter of the pixels: GIFs stay small
TEXT_CELL = 22                # cells smaller than this many pixels get no numbers
PHOTO_WIDTH = 0.5             # a photo beside number grids takes at most this share of the row


@dataclass(frozen=True)
class Box:
    """A rectangle over grid cells r0..r1, c0..c1 (inclusive)."""
    r0: int
    c0: int
    r1: int
    c1: int


@dataclass(frozen=True)
class Panel:
    """One grid: values (NaN cells are padding, drawn grey; `labels` may still give them text; `empty` cells are
    drawn pale)."""
    title: str
    z: np.ndarray
    boxes: tuple[Box, ...] = ()
    labels: np.ndarray | None = None
    zmax: float | None = None
    rgb: np.ndarray | None = None         # (H, W, 3) uint8 colours instead of the value colour scale
    empty: np.ndarray | None = None       # (H, W) bool: cells without a number
    read: np.ndarray | None = None        # (H, W) bool: cells the step reads (pink where empty or padding)


@dataclass(frozen=True)
class Scene:
    panels: tuple[Panel, ...]
    caption: str = ""
    footer: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Layout:
    cells: list[int]                     # each panel's cell size in px
    origins: list[tuple[int, int]]       # top-left pixel of each panel's grid
    title_size: int
    caption_y: int


def _layout(scene: Scene, size: tuple[int, int]) -> _Layout:
    """One row of panels: a photo (a panel with `rgb`) as tall as the height left by the text allows, up to
    PHOTO_WIDTH of the row; the other panels share one cell size that fits the rest of the width."""
    width, height = size
    unit = height / 1080
    title_size, caption_lines = round(34 * unit), 1 + len(scene.footer) if scene.caption else len(scene.footer)
    margin, spacing = round(40 * unit), round(60 * unit)
    top = margin + round(1.6 * title_size)
    bottom = margin + caption_lines * round(1.5 * title_size)
    free_w, free_h = width - 2 * margin - spacing * (len(scene.panels) - 1), height - top - bottom
    photos = [p for p in scene.panels if p.rgb is not None]
    grids = [p for p in scene.panels if p.rgb is None]
    photo_cell = 1
    if photos:
        photo_cell = max(1, int(min(free_h / max(p.z.shape[0] for p in photos),
                                    (PHOTO_WIDTH if grids else 1.0) * free_w / sum(p.z.shape[1] for p in photos))))
    cell = 1
    if grids:
        rest_w = free_w - photo_cell * sum(p.z.shape[1] for p in photos)
        cell = max(1, int(min(rest_w / sum(p.z.shape[1] for p in grids), free_h / max(p.z.shape[0] for p in grids),
                              120 * unit)))
    cells = [photo_cell if p.rgb is not None else cell for p in scene.panels]
    tallest = max(p.z.shape[0] * c for p, c in zip(scene.panels, cells))
    top += (free_h - tallest) // 2                                     # centred vertically
    used = sum(p.z.shape[1] * c for p, c in zip(scene.panels, cells)) + spacing * (len(scene.panels) - 1)
    x, origins = (width - used) // 2, []
    for p, c in zip(scene.panels, cells):
        origins.append((x, top))
        x += p.z.shape[1] * c + spacing
    return _Layout(cells, origins, title_size, top + tallest + round(0.6 * title_size))


def _colours(panel: Panel) -> np.ndarray:
    """(H, W, 3) uint8: diverging blue-white-red on ±zmax, grey where z is NaN (or the panel's own rgb)."""
    if panel.rgb is not None:
        return panel.rgb
    z = np.asarray(panel.z, dtype=np.float64)
    finite = np.abs(z[np.isfinite(z)])
    zmax = panel.zmax or (float(finite.max()) if finite.size and finite.max() > 0 else 1.0)
    t = np.clip(np.nan_to_num(z) / zmax, -1, 1)[..., None]                       # (H, W, 1)
    rgb = np.where(t < 0, ZERO + (NEGATIVE - ZERO) * -t, ZERO + (POSITIVE - ZERO) * t)
    rgb[np.isnan(z)] = PADDING
    empty = np.zeros(z.shape, bool) if panel.empty is None else panel.empty
    read = np.zeros(z.shape, bool) if panel.read is None else panel.read
    rgb[empty] = EMPTY
    rgb[empty & read], rgb[np.isnan(z) & read] = EMPTY_READ, PADDING_READ
    return rgb.round().astype(np.uint8)


def _labels(panel: Panel) -> np.ndarray:
    if panel.labels is not None:
        return panel.labels
    return np.vectorize(short_number, otypes=[object])(panel.z)


def _text_colour(rgb) -> str:
    return "#000000" if sum(int(v) for v in rgb) > 330 else "#ffffff"


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")   # Debian's fonts-dejavu-core
ASCII = str.maketrans({"×": "x", "Σ": "sum", "−": "-", "⋆": "*"})


def _font(size: int) -> ImageFont.FreeTypeFont:
    """DejaVu Sans (has ×, Σ, ·) where installed, else Pillow's own font."""
    if DEJAVU.exists():
        return ImageFont.truetype(str(DEJAVU), max(8, size))
    return ImageFont.load_default(size=max(8, size))


def _drawable(text: str) -> str:
    """Text as the font can draw it: Pillow's own font has no ×, Σ or −."""
    return text if DEJAVU.exists() else text.translate(ASCII)


def _fitted(draw, text: str, size: int, width: float) -> ImageFont.FreeTypeFont:
    """The largest font up to `size` in which `text` fits in `width` pixels."""
    font = _font(size)
    while size > 8 and draw.textlength(text, font=font) > width:
        size = int(size * 0.9)
        font = _font(size)
    return font


def render_image(scene: Scene, size: tuple[int, int] = PNG_SIZE) -> Image.Image:
    """The scene as an RGB image of exactly `size` pixels."""
    lay = _layout(scene, size)
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    for panel, cell, (x0, y0) in zip(scene.panels, lay.cells, lay.origins):
        gap = max(1, round(GAP * cell)) if cell >= 6 else 0
        h, w = panel.z.shape
        colours = _colours(panel)
        grid = Image.fromarray(colours).resize((w * cell, h * cell), Image.NEAREST)
        img.paste(grid, (x0, y0))
        if gap:
            for q in range(w + 1):
                draw.line([(x0 + q * cell, y0), (x0 + q * cell, y0 + h * cell)], fill="white", width=gap)
            for q in range(h + 1):
                draw.line([(x0, y0 + q * cell), (x0 + w * cell, y0 + q * cell)], fill="white", width=gap)
        if cell >= TEXT_CELL:
            labels = _labels(panel)
            longest = max((str(t) for t in labels.ravel()), key=len, default="")
            font = _fitted(draw, _drawable(longest), int(cell * 0.38), 0.86 * cell)
            for (r, c), text in np.ndenumerate(labels):
                if text:
                    draw.text((x0 + c * cell + cell / 2, y0 + r * cell + cell / 2), _drawable(str(text)), anchor="mm",
                              font=font, fill=_text_colour(colours[r, c]))
        title = _drawable(panel.title)
        draw.text((x0, y0 - round(0.4 * lay.title_size)), title, anchor="ls", fill="black",
                  font=_fitted(draw, title, lay.title_size, max(w * cell, lay.title_size * 4)))
        for box in panel.boxes:
            width = box_width(cell)
            rect = [x0 + box.c0 * cell, y0 + box.r0 * cell, x0 + (box.c1 + 1) * cell, y0 + (box.r1 + 1) * cell]
            if cell < TEXT_CELL:               # small cells (a photo): the line outside the box, on a white halo
                rect = [rect[0] - width, rect[1] - width, rect[2] + width, rect[3] + width]
                draw.rectangle([rect[0] - 2, rect[1] - 2, rect[2] + 2, rect[3] + 2], outline="white", width=width + 4)
            draw.rectangle(rect, outline=MAGENTA, width=width)
    y = lay.caption_y
    for line in ([scene.caption] if scene.caption else []) + list(scene.footer):
        line = _drawable(line)
        draw.text((size[0] // 2, y), line, anchor="mt", font=_fitted(draw, line, lay.title_size, size[0] * 0.95),
                  fill="black")
        y += round(1.5 * lay.title_size)
    return img


def box_width(cell: int) -> int:
    """A box's line in px: 8% of a cell, at least 2, and 6 on cells too small for numbers (a photo's pixels)."""
    return max(2, round(cell * 0.08)) if cell >= TEXT_CELL else 6


def png_bytes(scene: Scene, size: tuple[int, int] = PNG_SIZE) -> bytes:
    buf = io.BytesIO()
    render_image(scene, size).save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def gif_bytes(scenes, size: tuple[int, int] = GIF_SIZE, seconds_per_frame: float = 0.8) -> bytes:
    """An animated GIF, one frame per scene, looping forever."""
    frames = [render_image(s, size).convert("P", palette=Image.ADAPTIVE, colors=64) for s in scenes]
    if not frames:
        raise ValueError("An animation needs at least one step.")
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], loop=0,
                   duration=int(seconds_per_frame * 1000), disposal=1)
    return buf.getvalue()


SVG_CELLS_MAX = 4096        # above this many cells a grid goes into the SVG as an embedded picture


def svg_text(scene: Scene, size: tuple[int, int] = PNG_SIZE) -> str:
    """The same picture as render_image, as SVG (cells are rectangles, numbers are text)."""
    lay = _layout(scene, size)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))     # font sizes as in the PNG
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size[0]}" height="{size[1]}" '
           f'viewBox="0 0 {size[0]} {size[1]}" font-family="DejaVu Sans, Arial, sans-serif">',
           f'<rect width="{size[0]}" height="{size[1]}" fill="white"/>']
    for panel, cell, (x0, y0) in zip(scene.panels, lay.cells, lay.origins):
        gap = max(1, round(GAP * cell)) if cell >= 6 else 0
        h, w = panel.z.shape
        colours = _colours(panel)
        title_size = _fitted(measure, panel.title, lay.title_size, max(w * cell, lay.title_size * 4)).size
        out.append(f'<text x="{x0}" y="{y0 - round(0.4 * lay.title_size)}" font-size="{title_size}">'
                   f'{escape(panel.title)}</text>')
        if h * w > SVG_CELLS_MAX:
            buf = io.BytesIO()
            Image.fromarray(colours).save(buf, format="PNG")
            data = base64.b64encode(buf.getvalue()).decode("ascii")
            out.append(f'<image x="{x0}" y="{y0}" width="{w * cell}" height="{h * cell}" '
                       f'style="image-rendering:pixelated" href="data:image/png;base64,{data}"/>')
        else:
            labels = _labels(panel) if cell >= TEXT_CELL else None
            if labels is not None:
                longest = max((str(t) for t in labels.ravel()), key=len, default="")
                label_size = _fitted(measure, longest, int(cell * 0.38), 0.86 * cell).size
            for (r, c), _ in np.ndenumerate(panel.z):
                rgb = "#%02x%02x%02x" % tuple(colours[r, c])
                x, y = x0 + c * cell + gap / 2, y0 + r * cell + gap / 2
                out.append(f'<rect x="{x:g}" y="{y:g}" width="{cell - gap}" height="{cell - gap}" fill="{rgb}"/>')
                if labels is not None and labels[r, c]:
                    out.append(f'<text x="{x0 + c * cell + cell / 2:g}" y="{y0 + r * cell + cell / 2:g}" '
                               f'font-size="{label_size}" text-anchor="middle" dominant-baseline="central" '
                               f'fill="{_text_colour(colours[r, c])}">{escape(str(labels[r, c]))}</text>')
        for box in panel.boxes:
            width = box_width(cell)
            out_by = width / 2 if cell < TEXT_CELL else 0          # as render_image: the line outside a photo's box
            x, y = x0 + box.c0 * cell - out_by, y0 + box.r0 * cell - out_by
            w, h = (box.c1 - box.c0 + 1) * cell + 2 * out_by, (box.r1 - box.r0 + 1) * cell + 2 * out_by
            if out_by:
                out.append(f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" fill="none" stroke="white" '
                           f'stroke-width="{width + 4}"/>')
            out.append(f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" fill="none" stroke="{MAGENTA}" '
                       f'stroke-width="{width}"/>')
    y = lay.caption_y
    for line in ([scene.caption] if scene.caption else []) + list(scene.footer):
        line_size = _fitted(measure, line, lay.title_size, size[0] * 0.95).size
        out.append(f'<text x="{size[0] // 2}" y="{y}" font-size="{line_size}" text-anchor="middle" '
                   f'dominant-baseline="hanging">{escape(line)}</text>')
        y += round(1.5 * lay.title_size)
    out.append("</svg>")
    return "\n".join(out)
