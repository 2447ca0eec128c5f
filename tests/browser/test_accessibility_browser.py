"""axe-core (WCAG 2.0/2.1 A and AA rules) in Chromium: `serious_violations`, which test_every_page_browser.py runs on
every page (no serious or critical violation from the app's own elements); captions at 4.5:1 or more (issue 33).

axe-core comes inside the axe-playwright-python wheel (axe.min.js, injected into the page): no network.

Excluded, and why (nothing else is):
- `[data-testid="stSidebarNav"]`: the sidebar's page list is drawn by Streamlit's st.navigation, not by ConvViz.
  Its `<ul>` holds the section headers as `<div>`s between the `<li>`s (axe: "list", "listitem"); no option of
  st.navigation changes that markup (1.67), and the links themselves are real links with their names.
"""

import re

import pytest

from convviz.testing.serve import wait_for_app

axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

STREAMLIT_OWN = ['[data-testid="stSidebarNav"]']
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
         "resultTypes": ["violations"]}

# Every box that scrolls sideways, in the page or a component's open shadow root, can take the focus.
KEYBOARD_SCROLL = """() => {
  const sel = '.katex-display, [data-testid="stCode"] pre, .stage-scroll';
  const roots = [document, ...Array.from(document.querySelectorAll('*')).filter(e => e.shadowRoot).map(e => e.shadowRoot)];
  return roots.flatMap(r => Array.from(r.querySelectorAll(sel)))
    .every(b => b.scrollWidth <= b.clientWidth || b.getAttribute('tabindex') === '0');
}"""


def luminance(rgb) -> float:
    """WCAG relative luminance of an sRGB colour (0..255 each)."""
    lin = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a, b) -> float:
    hi, lo = sorted([luminance(a), luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def serious_violations(page) -> str:
    """axe-core's serious and critical violations on the page as it is, outside streamlit's own navigation ("" if none)."""
    page.wait_for_function(KEYBOARD_SCROLL)          # present.PAGE_JS has marked what scrolls (after 0.2 s)
    results = axe_sync.Axe().run(page, context={"exclude": [[s] for s in STREAMLIT_OWN]}, options=RULES)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}; "
                     + "; ".join(f"{n['target']} {n['html'][:120]}" for n in v["nodes"][:5]) for v in serious)


def test_contrast_formula_on_known_pairs():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert contrast((0x82, 0x81, 0x80), (255, 255, 255)) == pytest.approx(3.88, abs=0.01)   # axe's figure for 0.6 grey
    assert contrast((0x77, 0x77, 0x77), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("path", ["transposed_convolution", "super_resolution"])
def test_captions_are_at_least_4_5_to_1(page, app_url, path):
    """Every caption on the page, its colour as drawn (its opacity and its ancestors' folded in) on white."""
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    drawn = page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid=stCaptionContainer] p')).map(p => {
        let opacity = 1;
        for (let a = p; a; a = a.parentElement) opacity *= +getComputedStyle(a).opacity;
        return [getComputedStyle(p).color, opacity, p.innerText.slice(0, 40)]; })""")
    assert drawn, "no caption on the page"
    for colour, opacity, text in drawn:
        rgb = [int(v) for v in re.findall(r"\d+", colour)[:3]]
        seen = [round(opacity * c + (1 - opacity) * 255) for c in rgb]          # on the white page
        assert contrast(seen, (255, 255, 255)) >= 4.5, (text, colour, opacity)
