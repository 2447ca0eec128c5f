// ConvViz compare view (convviz/ui/compare/__init__.py is the contract): the result over its input with a
// before/after divider, and the zoom box set by a click or a dragged rectangle on the picture.
//
// The divider is the browser's alone (never sent): drag it (mouse, pen, touch), or focus it and use ← → (2 %),
// Shift+← → or PageUp/PageDown (10 %), Home/End. A click on the picture sends a zoom request centred there;
// a drag of more than DRAG_PX sends the rectangle. Both as fractions of the picture:
// setStateValue("box", {rect: [x0, y0, x1, y1], n}). The magenta box moves at once to where Python will put it
// (the same rule as geometry.zoom_from_fractions, before whole-percent rounding) and to Python's box on the rerun.

const DRAG_PX = 5;                 // a pointer that moves less than this between down and up clicked
const STEP = 2, BIG_STEP = 10;     // % per arrow key, per Shift+arrow / PageUp / PageDown
const instances = new Map();       // component key -> Compare (the divider survives reruns with new data)

function el(tag, cls, parent, attrs = {}) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  parent?.appendChild(node);
  return node;
}

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

class Compare {
  constructor(root, setStateValue) {
    this.root = root;
    this.setStateValue = setStateValue;
    this.split = 50;               // % of the width shown from the "before" picture, from the left
    this.sent = 0;
    this.box = el("div", "cmp", root);
    this.frame = el("div", "cmp-frame", this.box);
    this.after = el("img", "cmp-img cmp-after", this.frame, { draggable: "false" });
    this.beforeClip = el("div", "cmp-before", this.frame);
    this.before = el("img", "cmp-img", this.beforeClip, { draggable: "false" });
    this.beforeLabel = el("span", "cmp-label cmp-label-before", this.frame, { "aria-hidden": "true" });
    this.afterLabel = el("span", "cmp-label cmp-label-after", this.frame, { "aria-hidden": "true" });
    this.zoom = el("div", "cmp-zoom", this.frame, { "aria-hidden": "true" });
    this.rect = el("div", "cmp-rect", this.frame, { "aria-hidden": "true" });
    this.rect.hidden = true;
    this.divider = el("div", "cmp-divider", this.frame);
    this.handle = el("div", "cmp-handle", this.divider, {
      role: "slider", tabindex: "0", "aria-valuemin": "0", "aria-valuemax": "100", "aria-orientation": "horizontal",
    });
    el("span", "cmp-grip", this.handle, { "aria-hidden": "true" }).textContent = "◀ ▶";
    this.hint = el("p", "cmp-hint", this.box);
    this.onDown = this.onDown.bind(this);
    this.onMove = this.onMove.bind(this);
    this.onUp = this.onUp.bind(this);
    this.onKey = this.onKey.bind(this);
    this.frame.addEventListener("pointerdown", this.onDown);
    this.frame.addEventListener("pointermove", this.onMove);
    this.frame.addEventListener("pointerup", this.onUp);
    this.frame.addEventListener("pointercancel", () => this.cancel());
    this.handle.addEventListener("keydown", this.onKey);
    // pixels, not a blur, while the picture is shown larger than the preview (a small sample: its noise shows)
    this.sizer = new ResizeObserver(() => this.fit());
    this.sizer.observe(this.frame);
    this.after.addEventListener("load", () => this.fit());
  }

  fit() {
    const natural = this.after.naturalWidth;
    this.frame.classList.toggle("cmp-pixels", natural > 0 && this.frame.clientWidth > natural);
  }

  update(data) {
    this.data = data;
    const [w, h] = data.size;
    const [before, after] = data.labels;
    if (this.before.getAttribute("src") !== data.before) this.before.src = data.before;
    if (this.after.getAttribute("src") !== data.after) this.after.src = data.after;
    this.before.alt = `${before} (left of the divider)`;
    this.after.alt = `${after} (right of the divider)`;
    this.beforeLabel.textContent = `◀ ${before}`;
    this.afterLabel.textContent = `${after} ▶`;
    this.frame.style.setProperty("--ar", `${w} / ${h}`);
    this.frame.style.setProperty("--ratio", `${w / h}`);
    this.box.classList.toggle("cmp-present", !!data.presenting);
    this.handle.setAttribute("aria-label", `Before/after divider: ${before} on the left, ${after} on the right`);
    this.hint.textContent = matchMedia("(pointer: coarse)").matches   // a phone or tablet: tap wording
      ? "Drag the round handle to compare; tap the picture to centre the zoom box there, or drag sideways to "
        + "draw a rectangle. The zooms below follow."
      : "Drag the divider (or focus it and press ← →) to compare; click the picture to centre the zoom box there, "
        + "or drag a rectangle to set it. The zooms below follow.";
    this.rect.hidden = true;
    this.showBox(data.box);
    this.setSplit(this.split);
  }

  showBox([x0, y0, x1, y1]) {
    Object.assign(this.zoom.style, {
      left: `${100 * x0}%`, top: `${100 * y0}%`, width: `${100 * (x1 - x0)}%`, height: `${100 * (y1 - y0)}%`,
    });
  }

  setSplit(value) {
    this.split = clamp(Math.round(value * 10) / 10, 0, 100);
    this.beforeClip.style.clipPath = `inset(0 ${100 - this.split}% 0 0)`;
    this.divider.style.left = `${this.split}%`;
    const [before, after] = this.data?.labels ?? ["before", "after"];
    this.handle.setAttribute("aria-valuenow", String(Math.round(this.split)));
    this.handle.setAttribute("aria-valuetext",
      `${Math.round(this.split)}% ${before} on the left, ${Math.round(100 - this.split)}% ${after} on the right`);
  }

  fraction(e) {                    // the pointer as fractions of the picture, cut to it
    const r = this.frame.getBoundingClientRect();
    return [clamp((e.clientX - r.left) / r.width, 0, 1), clamp((e.clientY - r.top) / r.height, 0, 1)];
  }

  onDown(e) {
    if (e.button !== 0 || !this.data) return;
    const onHandle = this.handle.contains(e.target) || e.target === this.divider;
    this.drag = { mode: onHandle ? "split" : "zoom", x: e.clientX, y: e.clientY, start: this.fraction(e), id: e.pointerId };
    this.frame.setPointerCapture?.(e.pointerId);
    if (onHandle) { this.handle.focus({ preventScroll: true }); e.preventDefault(); }
  }

  onMove(e) {
    const d = this.drag;
    if (!d || e.pointerId !== d.id) return;
    const [fx, fy] = this.fraction(e);
    if (d.mode === "split") { this.setSplit(100 * fx); return; }
    if (Math.hypot(e.clientX - d.x, e.clientY - d.y) < DRAG_PX && this.rect.hidden) return;
    const [sx, sy] = d.start;
    this.rect.hidden = false;
    Object.assign(this.rect.style, {
      left: `${100 * Math.min(sx, fx)}%`, top: `${100 * Math.min(sy, fy)}%`,
      width: `${100 * Math.abs(fx - sx)}%`, height: `${100 * Math.abs(fy - sy)}%`,
    });
  }

  onUp(e) {
    const d = this.drag;
    if (!d || e.pointerId !== d.id) return;
    this.drag = null;
    if (d.mode === "split") return;
    const [sx, sy] = d.start;
    const [fx, fy] = this.fraction(e);
    const moved = Math.hypot(e.clientX - d.x, e.clientY - d.y) >= DRAG_PX;
    this.rect.hidden = true;
    this.request(moved ? [sx, sy, fx, fy] : [sx, sy, sx, sy]);
  }

  cancel() { this.drag = null; this.rect.hidden = true; }

  request(rect) {                  // send the zoom request; show the box where Python will put it
    const [w, h] = this.data.size;
    const [lo, hi] = this.data.limits;
    let [x0, y0, x1, y1] = rect;
    [x0, x1] = [Math.min(x0, x1), Math.max(x0, x1)];
    [y0, y1] = [Math.min(y0, y1), Math.max(y0, y1)];
    const side = (x1 > x0 || y1 > y0) ? clamp(Math.round(Math.max((x1 - x0) * w, (y1 - y0) * h)), lo, hi)
      : this.data.side;
    const bw = Math.min(side, w), bh = Math.min(side, h);
    const left = clamp(Math.round((x0 + x1) / 2 * w - bw / 2), 0, w - bw);
    const top = clamp(Math.round((y0 + y1) / 2 * h - bh / 2), 0, h - bh);
    this.showBox([left / w, top / h, (left + bw) / w, (top + bh) / h]);
    this.sent = Math.max(Date.now(), this.sent + 1);       // new for every request, even the same rectangle again
    const round = (v) => Math.round(v * 1e5) / 1e5;
    this.setStateValue("box", { rect: [x0, y0, x1, y1].map(round), n: this.sent });
  }

  onKey(e) {
    const moves = { ArrowLeft: -STEP, ArrowRight: STEP, ArrowDown: -STEP, ArrowUp: STEP,
                    PageDown: -BIG_STEP, PageUp: BIG_STEP };
    let value = null;
    if (e.key in moves) value = this.split + (e.shiftKey && e.key.startsWith("Arrow") ? 5 : 1) * moves[e.key];
    else if (e.key === "Home") value = 0;
    else if (e.key === "End") value = 100;
    if (value === null || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();                  // the page does not scroll, and a presenter's page keys leave it alone
    e.stopPropagation();
    this.setSplit(value);
  }

  destroy() {
    this.sizer.disconnect();
    this.box.remove();
  }
}

export default (component) =>
  mountView(component, instances, ".cmp", (root, setStateValue) => new Compare(root, setStateValue));
