// ConvViz stage: a step-by-step view drawn in the browser (st.components.v2; see README.md).
//
// Python sends {scene, step, speed}; the scene's numbers all come from convviz. This file only
// draws them (SVG, one <g> per cell with data-grid/-channel/-row/-col), moves the step (buttons,
// keys, drag, play) and highlights on hover. The step goes back to Python 300 ms after the last
// change (setStateValue("step")), the speed at once (setStateValue("speed")).

const SVG = "http://www.w3.org/2000/svg";
const SPEEDS = { slow: 2000, normal: 1000, fast: 500 };               // ms per step, as convviz.ui.widgets.stepping
const SPEED_LABELS = { slow: "slow (2 s)", normal: "1 s", fast: "fast (0.5 s)" };
const DEBOUNCE_MS = 300;
const MIN_CELL = 46, MAX_CELL = 60;                                    // px: numbers stay ≥ 14 px
// Figure-first lessons (issue 24): a `fill` view sizes its cells (36–84 px, numbers ≥ 14 px) to keep the panels on
// one row and the tallest grid within half the window's height; a `present` view (a projector) the same with
// cells of 56–140 px and numbers ≥ 24 px (56: a 5×5 grid still fits half of a 1280×720 projector's height).
const SIZES = { plain: [MIN_CELL, MAX_CELL, 14], fill: [36, 84, 14], present: [56, 140, 24] };
// A phone (issue 33): cause and effect on one screen. Where the panels cannot share a row at the least cell size,
// the grid the window moves over and the grid its steps make go first, side by side, with cells down to
// PAIR_CELL px (numbers still ≥ 14 px); the other panels (the kernel) follow under them.
const PAIR_CELL = 26;
const instances = (globalThis.__convvizStages ??= new Map());          // key → instance, kept across re-runs

function el(tag, attrs = {}, parent = null, ns = SVG) {
  const node = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}
const html = (tag, attrs = {}, parent = null) => el(tag, attrs, parent, null);
const cellKey = (g, c, r, q) => `${g}|${c}|${r}|${q}`;
const fmt = (v) => (v === null || v === undefined ? "" : Number.isInteger(v) ? String(v) : String(+v.toPrecision(3)));
const factor = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));                 // 2·(−1), not 2·-1

// The cells a highlight names: listed, or a pattern moved by `at` (convviz.lessons.scenes.common.step_cells).
function highlightCells(scene, h) {
  if (h.pattern) {
    const [dr, dc] = h.at;
    return scene.patterns[h.pattern].map(([c, r, q]) => [c, r + dr, q + dc]);
  }
  if (h.box) return boxCells(scene, h);
  return h.cells;
}

// Optional `box` highlight [c, r0, q0, r1, q1] (corners included): its cells; on a photo grid (`image`),
// which has no cells, only the two corners (they place the outline).
function boxCells(scene, h) {
  const [c, r0, q0, r1, q1] = h.box;
  if (scene.grids.find((g) => g.id === h.grid)?.image) return [[c, r0, q0], [c, r1, q1]];
  const out = [];
  for (let r = r0; r <= r1; r++) for (let q = q0; q <= q1; q++) out.push([c, r, q]);
  return out;
}

class Stage {
  constructor(key, root, setStateValue) {
    this.key = key;
    this.setStateValue = setStateValue;
    this.root = root;
    this.step = 0;
    this.sent = null;            // the last step sent to Python
    this.received = null;        // the last step Python sent
    this.playing = false;
    this.timer = null;
    this.debounce = {};          // per state name: the pending send (sendLater)
    this.speed = "normal";
    this.hoverStep = null;
    this.box = html("div", { class: "stage", tabindex: "0", role: "group" }, root);
    this.box.addEventListener("keydown", (e) => this.onKey(e));
    this.resize = new ResizeObserver(() => this.relayout());
    this.resize.observe(this.box);
  }

  // --- data from Python --------------------------------------------------------------------------
  update(data) {
    const scene = data.scene;
    const last = scene.steps.length - 1;
    const wanted = Math.max(0, Math.min(last, data.step | 0));
    if (data.speed in SPEEDS && data.speed !== this.speed) this.setSpeed(data.speed, false);
    const first = !this.scene;
    const resized = this.takeSize(data, first);
    this.presenting = !!data.presenting;              // the page is in presentation mode (pageKeys)
    if (first || this.scene.id !== scene.id) {
      this.scene = scene;
      this.setDefaults = null;
      this.step = wanted;
      this.build();
    } else if (wanted !== this.received && wanted !== this.sent) {
      this.step = wanted;        // Python moved it (a link, a clamp); a step it only echoes is ignored
    }
    this.received = wanted;
    this.takeCol(data);
    if (resized) this.relayout(true);
    if (this.step === wanted && this.sent !== wanted) {
      // acknowledge a step Python chose, so that the state Python reads is the one shown
      clearTimeout(this.debounce.step);
      if (!first) this.setStateValue("step", wanted);
      this.sent = wanted;
    }
    this.show();
    if (first && data.play) this.play();             // a link with play=1: the lecturer's scene runs on its own
  }

  // `size` ("plain", "fill", "present") and `present` (a projector: a plain stage's cells grow; size "present" is one):
  // the cell sizes and the class that scales the stage's text. True when a drawn stage must be laid out again.
  takeSize(data, first) {
    const size = data.size in SIZES ? data.size : "plain";
    const present = size === "present" || !!data.present;
    const changed = size !== this.size || present !== !!this.present;
    this.size = size;
    this.present = present;
    this.box.classList.toggle("present", present);
    return changed && !first && !!this.svg && this.scene?.id === data.scene.id;
  }

  // --- drawing -----------------------------------------------------------------------------------
  build() {
    const s = this.scene;
    this.box.replaceChildren();
    this.box.setAttribute("aria-label", `${s.title}: ${s.steps.length} steps. Left and right arrows step, space plays.`);
    this.box.dataset.kind = s.kind;
    this.box.dataset.steps = s.steps.length;
    const bar = html("div", { class: "stage-controls" }, this.box);
    this.prevButton = html("button", { type: "button", title: "previous step (←, PageUp)", "data-action": "prev" }, bar);
    this.prevButton.textContent = "◀";
    this.nextButton = html("button", { type: "button", title: "next step (→, PageDown)", "data-action": "next" }, bar);
    this.nextButton.textContent = "▶";
    this.playButton = html("button", { type: "button", class: "stage-play", "data-action": "play", title: "play or pause (space)" }, bar);
    this.slider = html("input", { type: "range", min: "0", max: String(s.steps.length - 1), step: "1",
                                  "aria-label": "step", class: "stage-slider" }, bar);
    const speeds = html("div", { class: "stage-speeds", role: "radiogroup", "aria-label": "Autoplay speed" }, bar);
    this.speedButtons = {};
    for (const [name, label] of Object.entries(SPEED_LABELS)) {
      const b = html("button", { type: "button", role: "radio", "data-speed": name }, speeds);
      b.textContent = label;
      b.addEventListener("click", () => this.setSpeed(name, true));
      this.speedButtons[name] = b;
    }
    this.prevButton.addEventListener("click", () => { this.pause(); this.go(this.step - 1); });
    this.nextButton.addEventListener("click", () => { this.pause(); this.go(this.step + 1); });
    this.playButton.addEventListener("click", () => (this.playing ? this.pause() : this.play()));
    this.slider.addEventListener("input", () => { this.pause(); this.go(+this.slider.value); });
    this.status = html("div", { class: "stage-status", "aria-live": "polite" }, this.box);
    this.scroll = html("div", { class: "stage-scroll" }, this.box);
    this.terms = html("div", { class: "stage-terms" }, this.box);
    if (s.caption) html("div", { class: "stage-caption" }, this.box).textContent = s.caption;
    this.index();
    this.labelSteps(bar);
    this.relayout(true);
    this.setSpeed(this.speed, false);
    this.showPlay();
  }

  // Which steps read each cell, each step's cells and centre in the source grid (for hover and drag).
  index() {
    const s = this.scene;
    this.stepCells = s.steps.map((step) => {
      const byGrid = {};
      for (const h of step.highlights.concat(s.fixed || [])) {
        if (h.mark) continue;
        (byGrid[h.grid] ??= []).push(...highlightCells(s, h));
      }
      (byGrid[step.target.grid] ??= []).push(step.target.cell);
      return byGrid;
    });
    this.readers = new Map();
    for (const link of s.links || []) {
      this.stepCells.forEach((cells, t) => {
        for (const [c, r, q] of cells[link.from] || []) {
          const k = cellKey(link.from, c, r, q);
          if (!this.readers.has(k)) this.readers.set(k, new Set());
          this.readers.get(k).add(t);
        }
      });
    }
    this.centres = this.stepCells.map((cells) => {
      const own = (cells[s.source] || []).filter(([c]) => c === 0);
      const n = own.length || 1;
      return [own.reduce((a, x) => a + x[1], 0) / n, own.reduce((a, x) => a + x[2], 0) / n];
    });
  }

  relayout(force = false) {
    const width = Math.floor(this.box.getBoundingClientRect().width) || 700;
    if (!force && width === this.width) return;
    this.width = width;
    if (this.scene) this.draw();
  }

  draw() {
    const s = this.scene;
    const panels = [];
    for (const g of s.grids) for (let c = 0; c < g.channels; c++) panels.push({ g, c });
    // The cells: as large as the bounds allow while the panels share one row (cellBounds). A fitted view (`size`
    // fill or present, a lesson's main figure) also keeps the tallest grid within half the window's height, and on a
    // phone, where the panels wrap anyway, puts cause and effect first (causeAndEffect).
    const [least, most, minFont] = this.cellBounds();
    const fitted = this.size !== "plain";
    const tallest = Math.max(0, ...panels.filter((p) => !p.g.image).map((p) => p.g.rows));
    const fitsHeight = fitted && tallest ? (0.5 * window.innerHeight) / (tallest + 1.5) : most;
    const fitsWidth = (this.width - 8) / (panels.reduce((a, p) => a + p.g.cols + 1.5, 0) - 0.9);   // panels + gaps
    let cell = Math.floor(Math.min(most, fitsHeight, Math.max(least, fitsWidth)));
    const pair = fitted && fitsWidth < least ? this.causeAndEffect(panels) : null;
    if (pair) {                    // a phone: the source and the target side by side, the rest under them
      cell = Math.floor(Math.min(most, fitsHeight, pair.cell));
      panels.sort((a, b) => pair.rank(a) - pair.rank(b));
    } else if (fitted && fitsWidth < least) {       // the panels wrap anyway (a phone): fit the widest one
      const widest = Math.max(...panels.filter((p) => !p.g.image).map((p) => p.g.cols + 0.6), 1);
      cell = Math.floor(Math.min(most, fitsHeight, (this.width - 8) / widest));
    }
    cell = Math.max(cell, pair ? PAIR_CELL : least);
    // flow the panels into rows no wider than the stage (a panel wider than it scrolls)
    for (const p of panels) p.cell = p.g.image ? this.imageCell(p.g) : cell;   // a photo fits the stage
    const pad = 0.9 * cell, head = 1.25 * cell;
    let x = 0, y = 0, rowHeight = 0, maxX = 0;
    for (const p of panels) {
      const w = (p.g.cols + 0.6) * p.cell, h = head + (p.g.rows + 0.2) * p.cell;
      const whole = p.c === 0 ? p.g.channels * (w + pad) - pad : w;     // a grid's channels stay together if they fit
      const room = this.width - 6;                                      // the scroll box inside the stage's padding
      if (x > 0 && (x + w > room || (x + whole > room && whole <= room))) {
        x = 0; y += rowHeight + pad * 0.5; rowHeight = 0;
      }
      p.x = x + 0.6 * cell; p.y = y + head; x += w + pad; rowHeight = Math.max(rowHeight, h); maxX = Math.max(maxX, x - pad);
    }
    const svgW = Math.ceil(maxX + 4), svgH = Math.ceil(y + rowHeight + 4);
    const svg = el("svg", { width: svgW, height: svgH, viewBox: `0 0 ${svgW} ${svgH}`, role: "img",
                            "aria-label": s.title });
    svg.style.setProperty("--cell", `${cell}px`);
    const font = Math.max(minFont, Math.round(cell * 0.34));
    this.cells = new Map();
    this.outlines = [];
    this.cellSize = cell;
    for (const p of panels) {
      const { g, c } = p;
      const panel = el("g", { class: `panel role-${g.role}`, "data-grid": g.id, "data-channel": c,
                              transform: `translate(${p.x},${p.y})` }, svg);
      p.node = panel;
      const title = el("text", { class: "panel-title", x: 0, y: -0.55 * cell, "font-size": font }, panel);
      title.textContent = [g.label, g.channel_labels[c]].filter(Boolean).join(" · ");
      if (g.image) { this.drawImage(panel, g, c, p.cell); continue; }
      const [r0, q0] = g.origin, inner = g.inner;
      const unreadR = new Set(g.unread_rows), unreadQ = new Set(g.unread_cols);
      for (let r = 0; r < g.rows; r++) {
        if (r >= inner.row && r < inner.row + inner.rows) {
          const t = el("text", { class: "index", x: -0.3 * cell, y: (r + 0.5) * cell, "font-size": font * 0.8 }, panel);
          t.textContent = r - r0;
        }
        for (let q = 0; q < g.cols; q++) {
          const isPad = !(r >= inner.row && r < inner.row + inner.rows && q >= inner.col && q < inner.col + inner.cols);
          const text = g.text[c][r][q];
          const empty = g.values[c][r][q] === null;
          const node = el("g", { class: "cell", "data-grid": g.id, "data-channel": c, "data-row": r, "data-col": q,
                                 role: "img", transform: `translate(${q * cell},${r * cell})` }, panel);
          const where = isPad ? "padding" : `row ${r - r0}, column ${q - q0}`;
          node.setAttribute("aria-label", `${g.label}${g.channels > 1 ? ` channel ${c}` : ""} ${where}: ${empty ? "empty" : text}`);
          if (isPad) node.dataset.padding = "1";
          if (!isPad && (unreadR.has(r) || unreadQ.has(q))) node.dataset.unread = "1";
          el("rect", { x: 1, y: 1, width: cell - 2, height: cell - 2, rx: 3 }, node);
          const label = el("text", { x: cell / 2, y: cell / 2, "font-size": font }, node);
          label.textContent = text;
          if (text.length * font * 0.62 > cell - 4) {
            label.setAttribute("textLength", cell - 6);
            label.setAttribute("lengthAdjust", "spacingAndGlyphs");
          }
          this.cells.set(cellKey(g.id, c, r, q), node);
        }
      }
      for (let q = inner.col; q < inner.col + inner.cols; q++) {
        const t = el("text", { class: "index", x: (q + 0.5) * cell, y: -0.12 * cell, "font-size": font * 0.8 }, panel);
        t.textContent = q - q0;
      }
      if (g.id === s.source) {
        const outline = el("rect", { class: "window-outline", rx: 4 }, panel);
        outline.dataset.channel = c;
        this.outlines.push(outline);
      }
    }
    this.scroll.replaceChildren(svg);
    this.svg = svg;
    this.markFaint();
    svg.addEventListener("pointerover", (e) => this.onHover(e));
    // a finger's tap fires pointerleave as it lifts: the marks of a tapped cell stay until the next tap
    svg.addEventListener("pointerleave", (e) => { if (e.pointerType !== "touch") this.clearHover(); });
    svg.addEventListener("pointerdown", (e) => this.onPointerDown(e));
    svg.addEventListener("click", (e) => this.onClick(e));
    this.show();
  }

  // The source grid's and the target grid's panels (every channel) on one row, when their cells can be PAIR_CELL px
  // or more there: {cell, rank} (rank orders the panels: those two first, the rest after, each in scene order);
  // else null. No photo grids, and not when source and target are the same grid.
  causeAndEffect(panels) {
    const s = this.scene, target = s.steps[0]?.target.grid;
    if (!s.source || !target || s.source === target) return null;
    const first = panels.filter((p) => p.g.id === s.source || p.g.id === target);
    if (first.some((p) => p.g.image) || first.length < 2) return null;
    const cell = (this.width - 8) / (first.reduce((a, p) => a + p.g.cols + 1.5, 0) - 0.9);
    if (cell < PAIR_CELL) return null;
    const order = (p) => (p.g.id === s.source ? 0 : p.g.id === target ? 1 : 2);
    const index = new Map(panels.map((p, n) => [p, n]));
    return { cell, rank: (p) => order(p) * 1000 + index.get(p) };
  }

  // --- showing a step ----------------------------------------------------------------------------
  setClass(cls, keys) {
    for (const node of this.svg.querySelectorAll(`.${cls}`)) node.classList.remove(cls);
    for (const k of keys) this.cells.get(k)?.classList.add(cls);
  }

  cellsOf(t, { marks = false } = {}) {
    const s = this.scene, step = s.steps[t], keys = [], marked = [];
    for (const h of step.highlights.concat(s.fixed || [])) {
      for (const [c, r, q] of highlightCells(s, h)) (h.mark ? marked : keys).push(cellKey(h.grid, c, r, q));
    }
    return marks ? marked : keys;
  }

  show() {
    if (!this.svg) return;
    const s = this.scene, t = this.step, step = s.steps[t];
    const [tc, ti, tj] = step.target.cell;
    this.setClass("win", this.cellsOf(t));
    this.setClass("winner", this.cellsOf(t, { marks: true }));
    this.setClass("target", [cellKey(step.target.grid, tc, ti, tj)]);
    this.setClass("hole", this.holes(t));
    this.applySets(t);
    this.placeOutlines(t);
    this.slider.value = String(t);
    this.keepFocus(t === 0, t === s.steps.length - 1);
    this.prevButton.disabled = t === 0;
    this.nextButton.disabled = t === s.steps.length - 1;
    this.playButton.disabled = s.steps.length < 2;
    const target = s.grids.find((g) => g.id === step.target.grid);
    const label = `${s.step_noun || "Step"} (${ti}, ${tj})`;
    this.status.textContent = step.status ? `${step.status} · step ${t + 1} of ${s.steps.length}`
      : `${label} = ${target.text[tc][ti][tj]} · step ${t + 1} of ${s.steps.length}`;
    this.box.dataset.step = t;
    this.showPicked();
    if (this.hoverStep === null) this.showTerms(t);
  }

  // cells inside the window's bounding box that it does not read: dilation's holes
  holes(t) {
    const s = this.scene, own = (this.stepCells[t][s.source] || []);
    if (s.grids.find((g) => g.id === s.source)?.image) return [];
    const taps = new Set(own.map(([c, r, q]) => cellKey(s.source, c, r, q)));
    const out = [];
    const channels = new Set(own.map(([c]) => c));
    for (const c of channels) {
      const mine = own.filter((x) => x[0] === c);
      const rs = mine.map((x) => x[1]), qs = mine.map((x) => x[2]);
      for (let r = Math.min(...rs); r <= Math.max(...rs); r++)
        for (let q = Math.min(...qs); q <= Math.max(...qs); q++)
          if (!taps.has(cellKey(s.source, c, r, q))) out.push(cellKey(s.source, c, r, q));
    }
    return out;
  }

  placeOutlines(t) {
    const s = this.scene, cell = this.cellSize, own = this.stepCells[t][s.source] || [];
    for (const outline of this.outlines) {
      const mine = own.filter((x) => x[0] === +outline.dataset.channel);
      if (!mine.length) {
        for (const node of [outline, outline.fieldHalo, outline.fieldLabel]) node?.setAttribute("visibility", "hidden");
        continue;
      }
      const rs = mine.map((x) => x[1]), qs = mine.map((x) => x[2]);
      const r0 = Math.min(...rs), q0 = Math.min(...qs);
      outline.setAttribute("visibility", "visible");
      const size = +outline.dataset.cell || cell;               // a photo's own cell size
      const rows = Math.max(...rs) - r0 + 1, cols = Math.max(...qs) - q0 + 1;
      if (!outline.fieldLabel) {
        outline.setAttribute("x", q0 * size);
        outline.setAttribute("y", r0 * size);
        outline.setAttribute("width", cols * size);
        outline.setAttribute("height", rows * size);
        continue;
      }
      // A photo: the stroke sits outside the field (its inner edge is the field's edge), so a field of a few
      // pixels stays visible inside it; the halo keeps it readable on any picture; the size is written beside.
      const sw = this.present ? 7 : 5, out = sw / 2;
      const rect = { x: q0 * size - out, y: r0 * size - out, width: cols * size + sw, height: rows * size + sw };
      for (const node of [outline, outline.fieldHalo]) for (const [k, v] of Object.entries(rect)) node.setAttribute(k, v);
      outline.style.strokeWidth = sw;
      outline.fieldHalo.style.strokeWidth = sw + 4;
      outline.fieldHalo.setAttribute("visibility", "visible");
      const label = outline.fieldLabel, font = this.present ? 26 : 18;
      label.textContent = `${rows}×${cols} input px`;
      label.setAttribute("font-size", font);
      label.setAttribute("visibility", "visible");
      const wide = label.textContent.length * font * 0.6, right = rect.x + rect.width + 6;
      const side = right + wide <= outline.panelWidth ? "right" : rect.x - 6 >= wide ? "left" : "over";
      label.setAttribute("text-anchor", side === "left" ? "end" : "start");
      label.setAttribute("x", side === "right" ? right : side === "left" ? rect.x - 6 : Math.max(0, rect.x));
      label.setAttribute("y", side !== "over" ? rect.y + 0.8 * font : rect.y >= font + 4 ? rect.y - 6 : rect.y + rect.height + font);
    }
  }

  // the products of step t (or its formula), each term tied to its input and kernel cell
  showTerms(t) {
    const s = this.scene, step = s.steps[t];
    const [tc, ti, tj] = step.target.cell;
    const target = s.grids.find((g) => g.id === step.target.grid);
    const value = target.text[tc][ti][tj];
    this.terms.replaceChildren();
    this.terms.dataset.step = t;
    const head = html("div", { class: "terms-head" }, this.terms);
    head.textContent = (step.status ? `${s.step_noun || "Step"} ${t + 1}` : `${s.step_noun || "Step"} (${ti}, ${tj})`)
      + (t === this.step ? "" : " (hovered)");                         // a step with its own status: its number
    if (step.terms) {
      const list = html("div", { class: "terms-list" }, this.terms);
      const src = (this.stepCells[t][s.source] || []);
      const weights = s.fixed && s.fixed.length ? highlightCells(s, s.fixed[0]) : [];
      step.terms.forEach(([x, w, p], n) => {
        const chip = html("span", { class: "term", "data-term": n }, list);
        chip.textContent = `${factor(x)}·${factor(w)} = ${fmt(p)}`;
        const [c, r, q] = src[n] || [];
        const wk = weights[n];
        chip.dataset.cells = [src[n] ? cellKey(s.source, c, r, q) : "", wk ? cellKey(s.fixed[0].grid, ...wk) : ""].join(" ");
        if (n < step.terms.length - 1) list.appendChild(document.createTextNode(" + "));
      });
      const sum = html("div", { class: "terms-sum" }, this.terms);
      sum.textContent = (s.bias ? ` + bias ${fmt(s.bias)}` : "") + ` = y[${ti}, ${tj}] = ${value}`;
      list.addEventListener("pointerover", (e) => {
        const chip = e.target.closest?.(".term");
        this.setClass("pair", chip ? chip.dataset.cells.split(" ").filter(Boolean) : []);
      });
      list.addEventListener("pointerleave", () => this.setClass("pair", []));
    } else if (step.formula) {
      html("div", { class: "terms-sum" }, this.terms).textContent = step.formula;
    } else {
      html("div", { class: "terms-sum" }, this.terms).textContent =
        `y[${ti}, ${tj}] = ${value} (too many products to list here: the table below has them)`;
    }
  }

  // --- stepping ----------------------------------------------------------------------------------
  go(t) {
    const last = this.scene.steps.length - 1;
    t = Math.max(0, Math.min(last, t));
    if (t === this.step) return;
    this.step = t;
    this.show();
    this.sendLater("step", () => this.step, "sent");
  }

  // Send state `name` (its value read()) DEBOUNCE_MS after the last change, unless this[sentKey] holds it already.
  sendLater(name, read, sentKey) {
    clearTimeout(this.debounce[name]);
    this.debounce[name] = setTimeout(() => {
      const value = read();
      if (this[sentKey] !== value) { this[sentKey] = value; this.setStateValue(name, value); }
    }, DEBOUNCE_MS);
  }

  play() {
    if (this.scene.steps.length < 2) return;
    if (this.scene.stop_at_end && this.step >= this.scene.steps.length - 1) this.go(0);   // played through: again
    this.playing = true;
    this.tick();
    this.showPlay();
  }

  tick() {
    clearTimeout(this.timer);
    if (!this.playing) return;
    this.timer = setTimeout(() => {
      if (!this.box.isConnected) { this.pause(); return; }
      const last = this.scene.steps.length - 1;
      this.go(this.step >= last ? 0 : this.step + 1);
      if (this.scene.stop_at_end && this.step >= last) { this.pause(); return; }   // a reveal: it stays on the answer
      this.tick();
    }, SPEEDS[this.speed]);
  }

  pause() {
    this.playing = false;
    clearTimeout(this.timer);
    this.showPlay();
  }

  showPlay() {
    if (!this.playButton) return;
    this.playButton.textContent = this.playing ? "❚❚ Pause" : "▶ Play";
    this.playButton.setAttribute("aria-label", this.playing ? "Pause" : "Play");   // not "▶": that is next step
    this.playButton.setAttribute("aria-pressed", String(this.playing));
    this.box.dataset.playing = String(this.playing);
  }

  setSpeed(name, send) {
    this.speed = name;
    for (const [n, b] of Object.entries(this.speedButtons || {})) b.setAttribute("aria-checked", String(n === name));
    if (this.playing) this.tick();
    if (send) this.setStateValue("speed", name);
  }

  onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;                   // Alt+← is the browser's Back
    if (e.target.closest?.("input, button") && (e.key === " " || e.key === "Enter")) return;
    if (!this.act(e.key)) return;
    e.preventDefault();
    e.stopPropagation();
  }

  // One key's action (←/→, PageUp/PageDown step, Home/End jump, space plays or pauses); false for any other key.
  act(key) {
    const moves = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 };
    if (key in moves) { this.pause(); this.go(this.step + moves[key]); }
    else if (key === "Home") { this.pause(); this.go(0); }
    else if (key === "End") { this.pause(); this.go(this.scene.steps.length - 1); }
    else if (key === " ") { this.playing ? this.pause() : this.play(); }
    else return false;
    return true;
  }

  // ◀ or ▶ about to be disabled (the first or last step) while it has focus: the focus would drop to the page's
  // body and the keys stop reaching the stage (issue 33); it moves to the stage itself instead.
  keepFocus(first, last) {
    const focused = this.box.getRootNode().activeElement;
    if ((first && focused === this.prevButton) || (last && focused === this.nextButton)) {
      this.box.focus({ preventScroll: true });
    }
  }

  // --- hover, click and drag ---------------------------------------------------------------------
  cellOf(e) {
    const node = e.target.closest?.(".cell");
    if (!node) return null;
    const d = node.dataset;
    return { node, grid: d.grid, c: +d.channel, r: +d.row, q: +d.col, key: cellKey(d.grid, +d.channel, +d.row, +d.col) };
  }

  stepMaking(cell) {
    return this.scene.steps.findIndex((st) => st.target.grid === cell.grid && st.target.cell[0] === cell.c &&
                                              st.target.cell[1] === cell.r && st.target.cell[2] === cell.q);
  }

  onHover(e) {
    if (this.dragging) return;
    const cell = this.cellOf(e);
    if (!cell) return this.clearHover();
    this.setClass("hover", [cell.key]);
    if (this.hoverGroups(cell)) return;
    const made = this.stepMaking(cell);
    if (made >= 0) {                                   // an output cell: its window and products
      this.hoverStep = made;
      this.setClass("peek", this.cellsOf(made));
      this.setClass("reads", []);
      this.showTerms(made);
      return;
    }
    this.hoverStep = null;
    this.setClass("peek", []);
    const readers = this.readers.get(cell.key);         // an input cell: every output that reads it
    const s = this.scene;
    this.setClass("reads", readers ? [...readers].map((t) => {
      const [c, r, q] = s.steps[t].target.cell;
      return cellKey(s.steps[t].target.grid, c, r, q);
    }) : []);
    this.showTerms(this.step);
  }

  clearHover() {
    this.hoverStep = null;
    this.setClass("hover", []);
    this.setClass("peek", []);
    this.setClass("reads", []);
    this.showTerms(this.step);
  }

  onClick(e) {
    const cell = this.cellOf(e) || this.downCell;     // a press on the source captured the pointer: its cell
    if (!cell || this.dragMoved) return;
    const hv = this.scene.hovers?.[cell.grid];
    if (hv?.col_pick) this.pick(this.groupIndex(hv.cols, cell));
    const row = hv?.row_steps ? this.groupIndex(hv.rows ?? "r", cell) : -1;
    if (row >= 0 && row < this.scene.steps.length) { this.pause(); this.go(row); this.box.focus({ preventScroll: true }); return; }
    if (hv?.col_pick) { this.box.focus({ preventScroll: true }); return; }
    const made = this.stepMaking(cell);
    if (made >= 0) { this.pause(); this.go(made); this.box.focus({ preventScroll: true }); }
  }

  onPointerDown(e) {
    const cell = this.cellOf(e);
    this.dragMoved = false;
    this.downCell = cell;
    if (!cell || cell.grid !== this.scene.source) return;
    e.preventDefault();
    this.box.focus({ preventScroll: true });
    this.pause();
    const startCentre = this.centres[this.step];
    const svgBox = this.svg.getBoundingClientRect();
    const cellSize = this.cellSize;
    this.dragging = true;
    this.svg.setPointerCapture(e.pointerId);
    const x0 = e.clientX, y0 = e.clientY;
    const move = (ev) => {
      const dr = (ev.clientY - y0) / cellSize, dc = (ev.clientX - x0) / cellSize;
      if (Math.abs(dr) + Math.abs(dc) > 0.2) this.dragMoved = true;
      const want = [startCentre[0] + dr, startCentre[1] + dc];
      let best = this.step, bestD = Infinity;
      this.centres.forEach(([r, q], t) => {
        const d = (r - want[0]) ** 2 + (q - want[1]) ** 2;
        if (d < bestD - 1e-9) { bestD = d; best = t; }
      });
      this.go(best);
    };
    const up = () => {
      this.dragging = false;
      this.svg.removeEventListener("pointermove", move);
      this.svg.removeEventListener("pointerup", up);
      this.svg.removeEventListener("pointercancel", up);
      void svgBox;
    };
    this.svg.addEventListener("pointermove", move);
    this.svg.addEventListener("pointerup", up);
    this.svg.addEventListener("pointercancel", up);
  }

  // --- additions for the scatter, receptive-field and matrix views (README: optional keys) ------
  // A photo grid: one <image> (the scene's PNG data URI) under an outline; no cell elements.
  imageCell(g) {
    // px: a projector shows the photo larger, but never taller than the screen can show under the controls
    const tall = Math.min(this.present ? 640 : 420, Math.max(240, (this.present ? 0.46 : 0.5) * window.innerHeight));
    const most = Math.min(MAX_CELL, (this.width - 12 - 0.6 * MAX_CELL) / g.cols, tall / (g.rows + 0.2));   // panel offset too
    return Math.max(0.5, most);
  }

  drawImage(panel, g, c, size) {
    const img = el("image", { href: g.image, x: 0, y: 0, width: g.cols * size, height: g.rows * size,
                              preserveAspectRatio: "none", class: "photo", "data-grid": g.id, role: "img",
                              "aria-label": `${g.label}: a ${g.rows}×${g.cols} picture` }, panel);
    img.style.imageRendering = "pixelated";
    const { row, col, rows, cols } = g.inner;
    el("rect", { class: "photo-border", x: col * size, y: row * size, width: cols * size, height: rows * size }, panel);
    if (g.id === this.scene.source) {        // the field: thick, on a white halo, its size written beside it
      const halo = el("rect", { class: "field-halo", rx: 3 }, panel);
      const outline = el("rect", { class: "window-outline photo-field", rx: 3 }, panel);
      outline.dataset.channel = c;
      outline.dataset.cell = size;
      outline.fieldHalo = halo;
      outline.fieldLabel = el("text", { class: "field-size", "aria-hidden": "true" }, panel);
      outline.panelWidth = g.cols * size;
      this.outlines.push(outline);
    }
  }

  // Step `set`s: the text of some cells after that step, kept by later steps (a running sum, counts).
  applySets(t) {
    const s = this.scene;
    if (!this.setDefaults) {
      this.setDefaults = new Map();
      for (const step of s.steps) for (const set of step.set || []) for (const [c, r, q] of set.cells) {
        const g = s.grids.find((x) => x.id === set.grid);
        this.setDefaults.set(cellKey(set.grid, c, r, q), g.text[c][r][q]);
      }
    }
    if (!this.setDefaults.size) return;
    const shown = new Map(this.setDefaults), touched = new Set();
    for (let u = 0; u <= t; u++) for (const set of s.steps[u].set || []) {
      set.cells.forEach(([c, r, q], n) => { const k = cellKey(set.grid, c, r, q); shown.set(k, set.text[n]); touched.add(k); });
    }
    for (const [k, text] of shown) {
      const node = this.cells.get(k);
      if (!node) continue;
      const label = node.querySelector("text");
      if (label.textContent !== text) {
        label.textContent = text;
        const font = +label.getAttribute("font-size"), cell = this.cellSize;
        if (text.length * font * 0.62 > cell - 4) {
          label.setAttribute("textLength", cell - 6);
          label.setAttribute("lengthAdjust", "spacingAndGlyphs");
        } else {
          label.removeAttribute("textLength");
        }
        const aria = node.getAttribute("aria-label");
        node.setAttribute("aria-label", `${aria.slice(0, aria.lastIndexOf(": "))}: ${text === "" ? "empty" : text}`);
      }
      if (touched.has(k)) node.dataset.set = "1"; else delete node.dataset.set;
    }
  }

  // `hovers`: hovering a cell of such a grid marks its row's cells (peek) and its column's (reads). The lists
  // are the grid's own (`rows[r]`, `cols[q]`), or the scene's `row_groups` / `col_groups` picked by the cell's
  // row ("r"), column ("q") or flat index c·R·Q + r·Q + q ("flat").
  hoverGroups(cell) {
    const hv = this.scene.hovers?.[cell.grid];
    if (!hv) return false;
    this.hoverStep = null;
    this.setClass("peek", this.groupKeys(hv.rows, cell, "rows"));
    this.setClass("reads", this.groupKeys(hv.cols, cell, "cols"));
    this.showTerms(this.step);
    return true;
  }

  groupIndex(mode, cell) {
    if (mode === "r") return cell.r;
    if (mode === "q") return cell.q;
    if (mode === "flat") {
      const g = this.scene.grids.find((x) => x.id === cell.grid);
      return (cell.c * g.rows + cell.r) * g.cols + cell.q;
    }
    return -1;
  }

  groupKeys(spec, cell, which) {
    const s = this.scene;
    const list = Array.isArray(spec) ? spec[which === "rows" ? cell.r : cell.q]
      : (which === "rows" ? s.row_groups : s.col_groups)?.[this.groupIndex(spec, cell)];
    return (list || []).flatMap((h) => highlightCells(s, h).map(([c, r, q]) => cellKey(h.grid, c, r, q)));
  }

  // The matrix view's picked column (README: `col`): Python's `col` moves it unless it only echoes the stage's.
  takeCol(data) {
    if (!Number.isInteger(data.col)) return;
    if (this.col === undefined || (data.col !== this.colReceived && data.col !== this.colSent)) this.col = data.col;
    this.colReceived = data.col;
    if (this.colSent === undefined) this.colSent = data.col;
  }

  pick(index) {
    if (index < 0 || index >= (this.scene.col_groups || []).length || index === this.col) return;
    this.col = index;
    this.showPicked();
    this.sendLater("col", () => this.col, "colSent");
  }

  showPicked() {
    if (!this.svg || !this.scene.col_groups) return;
    const list = this.scene.col_groups[this.col] || [];
    this.setClass("picked", list.flatMap((h) => highlightCells(this.scene, h).map(([c, r, q]) => cellKey(h.grid, c, r, q))));
    this.box.dataset.col = this.col ?? "";
  }

  // Optional scene key `step_label` ("Layer"): a label before ◀ / ▶ saying what they step, and in their names.
  labelSteps(bar) {
    const what = this.scene.step_label;
    if (!what) return;
    const label = html("span", { class: "stage-step-label" }, null);
    label.textContent = what;
    bar.insertBefore(label, this.prevButton);
    this.prevButton.setAttribute("aria-label", `previous ${what.toLowerCase()}`);
    this.prevButton.title = `previous ${what.toLowerCase()} (←, PageUp)`;
    this.nextButton.setAttribute("aria-label", `next ${what.toLowerCase()}`);
    this.nextButton.title = `next ${what.toLowerCase()} (→, PageDown)`;
    this.slider.setAttribute("aria-label", what);
  }

  // [least, most] px per cell and the smallest number: SIZES for a fitted view (fill, present); for a plain one the
  // scene's `cell_px` (default 46–60 px, numbers ≥ 14 px), on a projector (`present`) 64–96 px, numbers ≥ 24 px
  // (64, not 70: the receptive-field stage's five panels then share one row on a 1920-wide projector).
  cellBounds() {
    if (this.size !== "plain") return SIZES[this.size];
    const [lo, hi] = this.scene.cell_px || [MIN_CELL, MAX_CELL];
    return this.present ? [Math.max(lo, 64), Math.max(hi, 96), 24] : [lo, hi, 14];
  }

  // Optional grid key `faint`: cells drawn pale (the matrix's entries that are always 0).
  markFaint() {
    for (const g of this.scene.grids) for (const [c, r, q] of g.faint || []) {
      const node = this.cells.get(cellKey(g.id, c, r, q));
      if (node) node.dataset.faint = "1";
    }
  }

  destroy() {
    this.pause();
    Object.values(this.debounce).forEach(clearTimeout);
    this.resize.disconnect();
  }
}

// --- a presenter's clicker (issue 33) ------------------------------------------------------------------
// Presenting, PageUp/PageDown, ←/→ and space step the page's main stage wherever focus is (a fresh page's body,
// a heading just clicked, a button), and the page does not scroll on them. Focus in something that uses the key
// itself keeps it: text fields, selects, sliders, radio groups, tabs, menus, anything contenteditable; and on a
// button, link or switch, space is still a press. The main stage is the one most on screen (the lesson's figure
// on a fresh page), else the first on the page; it takes the focus, so the next key goes to it directly.
const PAGE_KEYS = new Set(["ArrowRight", "ArrowLeft", "PageDown", "PageUp", " "]);
const OWN_KEYS = "textarea, select, [contenteditable]:not([contenteditable='false']), [role='textbox'], " +
  "[role='combobox'], [role='listbox'], [role='slider'], [role='spinbutton'], [role='radiogroup'], [role='radio'], " +
  "[role='tablist'], [role='tab'], [role='menu'], [role='menuitem'], [role='grid'], [role='tree']";
const PRESSABLE = "button, a[href], summary, [role='button'], [role='switch'], [role='checkbox'], [role='link']";
const PRESS_ONLY_INPUTS = new Set(["checkbox", "button", "submit", "reset", "file", "color", "image"]);

function usesKey(node, key) {
  if (!(node instanceof Element)) return false;
  if (node.closest(OWN_KEYS)) return true;
  const input = node.closest("input");
  if (input) return !PRESS_ONLY_INPUTS.has(input.type) || key === " ";
  return key === " " && !!node.closest(PRESSABLE);
}

function onScreen(box) {
  const r = box.getBoundingClientRect();
  const w = Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0));
  const h = Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
  return w * h;
}

function mainStage() {
  const shown = [...instances.values()].filter((s) => s.scene && s.box.isConnected && s.box.getClientRects().length);
  if (!shown.length) return null;
  const host = (s) => s.box.getRootNode().host || s.box;
  shown.sort((a, b) => (host(a).compareDocumentPosition(host(b)) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  const seen = shown.map((s) => onScreen(s.box)), most = Math.max(...seen);
  return most > 0 ? shown[seen.indexOf(most)] : shown[0];
}

function pageKey(e) {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || !PAGE_KEYS.has(e.key)) return;
  if (usesKey(e.composedPath()[0], e.key)) return;
  const stage = mainStage();
  if (!stage || !stage.presenting) return;
  e.preventDefault();
  stage.box.focus({ preventScroll: true });
  stage.act(e.key);
}

if (!globalThis.__convvizPageKeys) {                 // once per page, whichever stage loads first
  globalThis.__convvizPageKeys = true;
  document.addEventListener("keydown", pageKey);
}

export default (component) =>
  mountView(component, instances, ".stage", (root, setStateValue, key) => new Stage(key, root, setStateValue));
