"""Every example link in the README opens its view: no exception, no error shown, no complaint about the link."""
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
LINKS = re.findall(r"`(/[a-z_]+\?[^`\s]+)`", (ROOT / "README.md").read_text())


def test_readme_has_links_for_every_lesson():
    pages = {urlsplit(link).path.strip("/") for link in LINKS}
    lessons = {p.stem for p in (ROOT / "pages").glob("*.py")}
    assert lessons <= pages, f"no README example link for {sorted(lessons - pages)}"


@pytest.mark.parametrize("link", LINKS)
def test_readme_link_opens(link):
    parts = urlsplit(link)
    at = AppTest.from_file(str(ROOT / "pages" / f"{parts.path.strip('/')}.py"), default_timeout=120)
    params = dict(parse_qsl(parts.query))
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    complaints = [w.value for w in at.warning if "The link's" in w.value]
    assert complaints == [], complaints
    for key, value in params.items():    # every value in the link is still in the URL (defaults drop out)
        assert at.query_params.get(key) == value, (key, at.query_params.get(key))
