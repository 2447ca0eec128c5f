"""Presentation mode: a lesson for a projector.

`present=1` (or `present=true`) in a link, or the switch at the top of every lesson, turns it on:
the sidebar collapses, the root font grows (everything sized in rem follows; streamlit-notes §7),
text turns pure black, every figure is drawn larger with wider outlines (`chart`), a lesson's settings
fold into an expander (`settings_box`) so the picture comes first, and the study material a page marks
with `if not presenting():` (code, long derivations, model cards) is left out.
"""

from __future__ import annotations

from contextlib import contextmanager

import streamlit as st

from convviz.figures.common import enlarged
from convviz.ui.widgets.params import LINK_PROBLEMS, toggle_control

KEY = "present"
# Root font: 19 px on a 1280-wide screen, 23 px at 1920, at most 26 px. Captions and help text
# are grey by default, which a projector washes out: black instead. The top padding clears the
# (now taller) header, which would otherwise cover the switch.
PRESENT_CSS = """<style>
html { font-size: clamp(19px, 1.2vw, 26px); }
.stApp, .stApp p, .stApp li, [data-testid="stCaptionContainer"], [data-testid="stMetricLabel"] { color: #000 !important; }
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
[data-testid="stTable"] th, [data-testid="stTable"] td,
[data-testid="stMarkdownContainer"] table { font-size: max(20px, 1rem) !important; }   /* tables: 20 px at least */
[data-testid="stMainBlockContainer"] { padding-top: 4rem; padding-left: 2rem; padding-right: 2rem; }
</style>"""
# Every lesson, every screen (issue 24): nothing runs off a phone sideways. Wide tables and displayed formulas
# scroll inside their own box, code blocks too; figures and images never grow past the column they sit in.
PAGE_CSS = """<style>
[data-testid="stMarkdownContainer"] table { display: block; max-width: 100%; overflow-x: auto; }
.katex-display { max-width: 100%; overflow-x: auto; overflow-y: hidden; }
[data-testid="stCode"] pre { max-width: 100%; overflow-x: auto; }
[data-testid="stPlotlyChart"], [data-testid="stImage"] img { max-width: 100%; }
/* WCAG AA (issue 33, axe-core): captions are faded to 0.6 by default (3.9:1 on white): solid grey at 6:1 instead;
   a selected segmented control's red on pink is 4.47:1: a darker red, 5.6:1. Displayed formulas get room for
   their descenders (overflow-y is hidden). */
[data-testid="stCaptionContainer"] { opacity: 1; color: #63615e; }
[data-testid="stButtonGroup"] button[aria-checked="true"] p { color: #b0283a; }
.katex-display { padding: 0.1em 0 0.3em; }
.cv-touch { display: none; }
/* An st.html that only runs a script (page_scripts) draws nothing: it takes no room, not even a gap in a row (the
   title row's switch installs it, between the switch and "Share this view"). */
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script:only-child) { display: none; }
@media (hover: none), (max-width: 640px) {      /* a phone or tablet: tap wording instead of hover and keys */
  .cv-touch { display: inline; }
  .cv-pointer { display: none; }
}
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: 0.75rem; padding-right: 0.75rem; }
  [data-testid="stPlotlyChart"] g.heatmap-label text { font-size: 9px !important; }  /* cells shrink, so do values */
}
</style>"""
# What every page installs once per browser tab (page_scripts: every lesson and the home page). It watches the page,
# so what is drawn later (reruns, other pages) is handled too.
# 1. A box that scrolls sideways must be reachable by keyboard (WCAG 2.1.1; axe's scrollable-region-focusable):
#    a displayed formula or code block wider than its column, once drawn, gets tabindex=0 and a name.
# 2. A link to a section (`…/transposed_convolution#checkerboard`, the home page's `#course-notes`) opens at it:
#    streamlit scrolls there when the heading is drawn, but the figures and pictures above it are drawn after that
#    (and a lesson's first run stops after its first figure), pushing the section down, at times off the screen. So
#    each time the page's height changes, the section is put back under the header, until the reader moves: a wheel,
#    a touch, a click or a key, or a scroll past the section (a script's). Streamlit's own scroll to the section
#    (smooth: many steps) comes from above it, so it never stops the keeping. Why it stopped is left in
#    window.__convvizAnchorStopped.
PAGE_JS = """<script>
(() => {
  if (window.__convvizPage) return;
  window.__convvizPage = true;
  const doc = window.parent?.document || document;
  const win = doc.defaultView || window;

  // 1. Boxes that scroll sideways, reachable by keyboard
  const BOXES = '.katex-display, [data-testid="stCode"] pre, .stage-scroll';    // the stage: in its shadow root
  const boxes = () => [...doc.querySelectorAll(BOXES), ...[...doc.querySelectorAll('[data-testid^="stBidiComponent"]')]
    .flatMap(host => [host, ...host.querySelectorAll('*')]).filter(e => e.shadowRoot)
    .flatMap(e => [...e.shadowRoot.querySelectorAll(BOXES)])];
  const mark = () => boxes().forEach(box => {
    // a stage's scroll box always (it re-lays itself out in its shadow root, unseen here); others once they scroll
    if ((box.matches('.stage-scroll') || box.scrollWidth > box.clientWidth) && !box.hasAttribute('tabindex')) {
      box.setAttribute('tabindex', '0');
      box.setAttribute('role', 'region');
      box.setAttribute('aria-label', (box.matches('pre') ? 'code' : box.matches('.stage-scroll') ? 'figure' : 'formula')
                                     + ', scrolls sideways');
    }
  });
  let queued = false;
  new MutationObserver(() => { if (!queued) { queued = true; setTimeout(() => { queued = false; mark(); }, 200); } })
    .observe(doc.body, {childList: true, subtree: true});
  win.addEventListener('resize', mark);
  mark();

  // 2. A section's link keeps the section in view while the page is drawn
  const keepSection = () => {
    const hash = win.location.hash;
    const id = decodeURIComponent(hash.slice(1));
    const block = doc.querySelector('[data-testid=stMainBlockContainer]');
    const scroller = doc.querySelector('[data-testid=stMain]');
    if (!id || !block || !scroller) return;
    const offset = (target) => {    // px from where the section should be (16 px under the header) to where it is
      const below = doc.querySelector('[data-testid=stHeader]')?.getBoundingClientRect().bottom ?? 0;
      return target.getBoundingClientRect().top - (below + 16);
    };
    const keep = () => {
      const target = doc.getElementById(id);
      if (win.location.hash !== hash) return stop({type: 'hashchange'});   // another page or section since
      if (target && Math.abs(offset(target)) > 4) scroller.scrollBy(0, offset(target));
    };
    const moved = () => {                                          // a scroll past the section
      const target = doc.getElementById(id);
      if (target && offset(target) < -40) stop({type: 'scroll'});
    };
    const sizes = new ResizeObserver(keep);
    const inputs = ['wheel', 'touchmove', 'keydown', 'pointerdown'];
    function stop(event) {
      win.__convvizAnchorStopped = event.type;
      sizes.disconnect();
      inputs.forEach((name) => doc.removeEventListener(name, stop, true));
      scroller.removeEventListener('scroll', moved);
    }
    inputs.forEach((name) => doc.addEventListener(name, stop, true));
    scroller.addEventListener('scroll', moved, {passive: true});
    sizes.observe(block);
    keep();
  };
  keepSection();
})();
</script>"""
CHART_CONFIG = {"displaylogo": False,
                "toImageButtonOptions": {"format": "png", "scale": 2}}   # the modebar camera: a sharp PNG


def by_pointer_or_touch(pointer: str, touch: str) -> str:
    """A hint in two wordings, markdown for st.markdown/st.caption(..., unsafe_allow_html=True): `pointer` (hover,
    keys) on a screen with a mouse, `touch` (tap, drag) on a touch screen or a narrow one (PAGE_CSS picks)."""
    return f'<span class="cv-pointer">{pointer}</span><span class="cv-touch">{touch}</span>'


def presenting() -> bool:
    """Whether this run shows the lesson in presentation mode."""
    return bool(st.session_state.get(KEY, False))


def presentation_switch(container=None) -> bool:
    """The switch (bound to `present` in the URL) and the page settings that follow from it."""
    ss = st.session_state
    if KEY not in ss and KEY not in st.query_params and ss.get("_present_kept"):
        ss[KEY] = True                # a page switch dropped the URL; the mode stays on
    present = toggle_control("Presentation mode", KEY, container=container,
                             help="Large text and figures for a projector; code and long derivations hidden. "
                                  "In a link: present=1.")
    if ss.get("_present_kept") != present or "_present_applied" not in ss:
        # only when the mode changes: a sidebar opened by hand while presenting stays open. On the first
        # run "auto" lets a phone start with the sidebar shut (it would cover the lesson) and a laptop open.
        leaving = "_present_applied" in ss
        st.set_page_config(initial_sidebar_state="collapsed" if present else ("expanded" if leaving else "auto"))
        ss["_present_applied"] = True
    ss["_present_kept"] = present
    st.html(PAGE_CSS)
    page_scripts()
    if present:
        st.html(PRESENT_CSS)
    return present


def page_scripts() -> None:
    """The scripts every page installs once per tab: scroll boxes reachable by keyboard, a section's link kept at
    its section while the page is drawn."""
    st.html(PAGE_JS, unsafe_allow_javascript=True)


@contextmanager
def settings_box():
    """The box that holds a lesson's settings: a bordered container, or while presenting a folded
    "Settings" expander, so that the first screen on a projector shows the picture, not the controls.
    The controls still run (and keep the URL) when folded; a link value they could not use is
    announced above the fold, its own message waiting inside."""
    if not presenting():
        with st.container(border=True):
            yield
        return
    notice = st.empty()
    st.session_state[LINK_PROBLEMS] = []
    try:
        with st.expander("Settings", icon=":material/tune:", expanded=False):
            yield
    finally:                                   # st.stop() inside the box ends the collecting too
        problems = st.session_state.pop(LINK_PROBLEMS, [])
    if problems:
        notice.warning(f"{len(problems)} setting(s) in this link could not be used and show their defaults: "
                       "open **Settings** to see which.", icon=":material/warning:")


@contextmanager
def _folded(make_box, where: str):
    """Run the controls inside `make_box()` (a folded expander or popover), collecting the messages about link
    values they could not use; a notice above the box says there are some (their messages wait inside)."""
    notice = st.empty()
    outer = st.session_state.get(LINK_PROBLEMS)
    st.session_state[LINK_PROBLEMS] = []
    try:
        with make_box():
            yield
    finally:                                   # st.stop() inside the box ends the collecting too
        problems = st.session_state.pop(LINK_PROBLEMS, [])
        if outer is not None:                  # inside another folded box: it hears of them too
            st.session_state[LINK_PROBLEMS] = outer + problems
    if problems:
        notice.warning(f"{len(problems)} setting(s) in this link could not be used and show their defaults: "
                       f"open **{where}** to see which.", icon=":material/warning:")


def more_settings():
    """The settings beyond a figure's compact control bar: a folded "More settings" expander under the bar;
    while presenting (where the bar itself is folded already) a plain container, since expanders do not nest."""
    if presenting():
        return st.container()
    return _folded(lambda: st.expander("More settings", icon=":material/tune:", expanded=False), "More settings")


def section_settings():
    """A section's control bar: in place under its figure; while presenting folded into a "Settings" popover
    (one small button), so that a page of sections shows pictures, not rows of boxes."""
    if not presenting():
        return st.container()
    return _folded(lambda: st.popover("Settings", icon=":material/tune:"), "Settings")


def chart(fig, key: str, container=None, **kwargs):
    """st.plotly_chart, with the figure enlarged in presentation mode and a 2× PNG on the camera button."""
    config = kwargs.pop("config", {}) | CHART_CONFIG | {"toImageButtonOptions": {"format": "png", "scale": 2,
                                                                                  "filename": key}}
    return (container or st).plotly_chart(enlarged(fig) if presenting() else fig, key=key, config=config, **kwargs)


def charts(figures: dict, widths=None) -> list:
    """Figures side by side, `key: figure` in order, one column each (st.columns(widths), equal by default);
    returns the columns, for what goes under a figure."""
    cols = st.columns(widths or len(figures))
    for (key, fig), col in zip(figures.items(), cols):
        chart(fig, key=key, container=col)
    return cols
