// The figure gate (convviz/ui/widgets/figure_gate.py): on a session's first run the lesson's script stops after its
// figure; this element waits until the browser has drawn that figure (plotly's SVG, the stage's cells, an
// image, an SVG number grid), lets two frames paint, then tells Python, which draws the sections below.
// Its marker says "waiting" until Python answers, so tests can wait for the whole page.
const FIG = '[data-testid=stPlotlyChart], [data-testid^=stBidiComponent], [data-testid=stImage], svg.convviz-grid';
const LONGEST_WAIT_MS = 6000;   // a figure that never draws (a script error, a blocked resource) holds nothing up

function deep(root, selector) {
  const found = [...root.querySelectorAll(selector)];
  for (const host of [root, ...root.querySelectorAll('*')]) {
    if (host.shadowRoot) found.push(...deep(host.shadowRoot, selector));
  }
  return found;
}

function drawn(figure) {
  if (figure.matches('[data-testid=stPlotlyChart]')) return !!figure.querySelector('.main-svg');
  if (figure.matches('[data-testid=stImage]')) return [...figure.querySelectorAll('img')].some(i => i.complete && i.naturalWidth > 0);
  if (figure.matches('svg')) return true;
  return deep(figure, 'svg, canvas, img, div').length > 0;
}

export default function ({ data, parentElement, setStateValue }) {
  let marker = parentElement.querySelector('[data-convviz-gate]');
  if (!marker) {
    marker = document.createElement('span');
    marker.hidden = true;
    parentElement.appendChild(marker);
  }
  marker.dataset.convvizGate = data.drawn ? 'open' : 'waiting';
  if (data.drawn) return undefined;
  let done = false, frame = 0;
  const report = () => { if (!done) { done = true; setStateValue('drawn', true); } };
  const afterPaint = () => { frame = requestAnimationFrame(() => { frame = requestAnimationFrame(report); }); };
  const check = () => {
    if (done) return;
    const main = document.querySelector('[data-testid=stMain]') || document.body;
    const figure = [...main.querySelectorAll(FIG)].find(f => !f.contains(parentElement));
    if (!figure || drawn(figure)) afterPaint();
    else frame = requestAnimationFrame(check);
  };
  const timer = setTimeout(report, LONGEST_WAIT_MS);
  check();
  return () => { done = true; cancelAnimationFrame(frame); clearTimeout(timer); };
}
