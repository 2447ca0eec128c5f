"""The prepared views in the README's "For lecturers" section open as promised (AppTest): no
exception, no complaint about the link, presentation mode on, and every other value kept."""

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
SECTION = (ROOT / "README.md").read_text().split("## For lecturers", 1)[1].split("\n## ", 1)[0]
LINKS = re.findall(r"(http://localhost:8501/[a-z_]+\?[^\s:]+)", SECTION)


def test_the_section_has_links_with_presentation_mode_and_a_step():
    assert len(LINKS) >= 5
    assert all("present=" in link for link in LINKS)
    assert any("pos=" in link or "tc_step=" in link for link in LINKS)


@pytest.mark.parametrize("link", LINKS)
def test_lecturer_link_opens_in_presentation_mode(link):
    parts = urlsplit(link)
    params = dict(parse_qsl(parts.query))
    at = AppTest.from_file(str(ROOT / "pages" / f"{parts.path.strip('/')}.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [w.value for w in at.warning if "The link's" in w.value] == []
    assert at.toggle(key="present").value is True
    for key, value in params.items():
        expected = "true" if key == "present" else value          # present=1 is written back as true
        assert at.query_params.get(key) == expected, (key, at.query_params.get(key))
