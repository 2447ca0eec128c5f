"""The home page's "Course notes" section (anchor #course-notes): what notes 000–004 are, one line each, the target
of every "note 004" link on the lessons (convviz.lessons.shared.course_notes.link_notes)."""

from __future__ import annotations

import streamlit as st

from convviz.lessons.shared import course_notes


def course_notes_section() -> None:
    st.subheader("Course notes", anchor=course_notes.ANCHOR)
    st.markdown("The lessons cite five course notes by number (“note 004”, “Exercise 7.1 (note 004)”). They are "
                "the course's reading, not part of this app; each lesson shows what it takes from them, and says "
                "so in a *From the course notes* box where a note's printed example or wording is wrong.")
    st.markdown("\n".join(f"- **Note {number}**: {source}. {covers[0].upper()}{covers[1:]}"
                          for number, source, covers in course_notes.NOTES))
