"""Issue 33's words in Chromium: a citation of the course notes ("note 004") is a link to the home page's
"Course notes" section, which opens scrolled to it and says what each of notes 000–004 is; the From-the-course-notes
boxes link there too; the code blocks at 1440 px keep inside their column (long lines scroll in their own box)."""

import re

import pytest
from playwright.sync_api import expect

from convviz.lessons.shared.course_notes import NOTES
from convviz.testing.serve import wait_for_app


def test_a_cited_note_links_to_what_the_notes_are(page, app_url):
    page.set_default_timeout(90_000)
    page.goto(f"{app_url}/convolution")
    wait_for_app(page)
    link = page.get_by_role("heading", name="Worked example: Exercise 7.1 (note 004)").get_by_role("link",
                                                                                                 name="note 004")
    with page.context.expect_page() as opened:
        link.click()
    notes = opened.value
    notes.wait_for_load_state()
    wait_for_app(notes)
    assert re.fullmatch(rf"{re.escape(app_url)}/?#course-notes", notes.url), notes.url
    heading = notes.get_by_role("heading", name="Course notes")
    expect(heading).to_be_in_viewport()                               # the page opens at the section
    text = notes.locator("[data-testid=stMain]").inner_text()
    for number, _, _ in NOTES:
        assert f"Note {number}:" in text
    assert "Exercise 7.1" in text and "Muchang Bahng" in text
    callout = page.locator("[data-testid=stAlertContentInfo]", has_text="From the course notes").first
    expect(callout.get_by_role("link", name="What the notes are")).to_have_attribute("href", "./#course-notes")


@pytest.mark.parametrize("name", ["convolution", "transposed_convolution", "convolution_matrix", "convolution_zoo"])
def test_code_blocks_keep_inside_their_column_at_1440(page, app_url, name):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.set_default_timeout(90_000)
    page.goto(f"{app_url}/{name}")
    wait_for_app(page)
    page.locator("[data-testid=stCode]").first.wait_for(state="attached")
    for expander in page.locator("[data-testid=stExpander]", has=page.locator("[data-testid=stCode]")).all():
        expander.locator("summary").first.click()                     # open the folded code too
    wait_for_app(page)
    boxes = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stCode]')].map(c => {
        const pre = c.querySelector('pre'), box = pre.getBoundingClientRect();
        const column = c.parentElement.closest('[data-testid=stVerticalBlock]').getBoundingClientRect();
        const style = getComputedStyle(pre);
        if (!box.width) return {inside: true, handled: true, hidden: true};
        return {inside: box.left >= column.left - 1 && box.right <= column.right + 1,
                handled: pre.scrollWidth <= pre.clientWidth + 1 || ['auto', 'scroll'].includes(style.overflowX)
                         || style.whiteSpace.startsWith('pre-wrap')}; })""")
    assert any(not b.get("hidden") for b in boxes) and all(b["inside"] and b["handled"] for b in boxes), boxes
    assert page.evaluate("document.querySelector('[data-testid=stMain]').scrollWidth") <= 1440
