"""The course notes explainer (issue 33): one line per note, and citations turned into links to it."""


def test_course_note_citations_become_links_and_the_rest_is_kept():
    from convviz.lessons.shared.course_notes import HREF, NOTES, link_notes
    assert [n for n, _, _ in NOTES] == ["000", "001", "002", "003", "004"]
    assert link_notes("Note 002's slide") == f"[Note 002]({HREF})'s slide"
    assert link_notes("(notes 000, 001 and 003)") == f"([notes 000, 001 and 003]({HREF}))"
    kept = ["a [note 004](x) link", "`note 004`", "$note 004$", "note 005", "footnote 004", "denote 004"]
    assert [link_notes(t) for t in kept] == kept


def test_the_home_page_says_what_each_note_is():
    from streamlit.testing.v1 import AppTest

    from convviz.lessons.shared.course_notes import ANCHOR, NOTES
    from tests.support import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert [h.value for h in at.subheader if h.value == "Course notes"] == ["Course notes"]
    assert ANCHOR == "course-notes"
    listed = next(m.value for m in at.markdown if m.value.startswith("- **Note 000**"))
    assert [line.split("**")[1] for line in listed.splitlines()] == [f"Note {n}" for n, _, _ in NOTES]
