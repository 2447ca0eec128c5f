"""docs/architecture.md's table names, for each lesson, the one file to open for each kind of thing (issue 36):
every file it names exists, and every lesson page has its row."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
TABLE = [line for line in TEXT.splitlines() if line.startswith("| ") and "`pages/" in line]


def test_every_file_the_map_names_exists():
    named = {path for row in TABLE for path in re.findall(r"`([\w/.-]+\.py)`", row)}
    assert len(named) > 40
    missing = [p for p in sorted(named) if not (ROOT / p).exists() and not (ROOT / "convviz" / p).exists()]
    assert not missing, f"docs/architecture.md names files that do not exist: {missing}"


def test_every_page_has_its_row():
    pages = {p.name for p in (ROOT / "pages").glob("*.py")}
    in_map = {re.search(r"`pages/([\w]+\.py)`", row).group(1) for row in TABLE}
    assert pages == in_map
