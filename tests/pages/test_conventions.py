"""House rules that keep the layout honest (DEVELOPERS.md: Layout, Rules)."""

import ast
import re
from pathlib import Path

from convviz.ui.widgets.layout import LESSONS, OTHER_PAGES, SECTIONS

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_streamlit_only_in_app_pages_and_ui():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "convviz").rglob("*.py")
                 if "ui" not in p.relative_to(ROOT / "convviz").parts[:1] and "streamlit" in imported_modules(p)]
    assert offenders == [], f"streamlit imported outside app.py, pages/ and convviz/ui/: {offenders}"


def test_every_page_file_is_a_registered_lesson_and_back():
    files = {p.name for p in (ROOT / "pages").glob("*.py")}
    registered = {lesson.page for lesson in LESSONS if lesson.page}
    assert files == registered | {page.page for page in OTHER_PAGES}
    assert not registered & {page.page for page in OTHER_PAGES}
    assert all(lesson.section in SECTIONS for lesson in LESSONS)


def test_published_weights_are_never_used_by_the_app():
    """../shared/anchors/ is for benchmarks only: only the evaluation script may load it; the
    training script names it only to refuse a warm start from it."""
    users = [str(p.relative_to(ROOT)) for p in list((ROOT / "convviz").rglob("*.py")) + list((ROOT / "pages").glob("*.py"))
             + [ROOT / "app.py"] if "anchors" in p.read_text() and p.name not in ("evaluate.py", "train.py")]
    assert users == []
    train_lines = [line.strip() for line in (ROOT / "convviz" / "train.py").read_text().splitlines() if "anchors" in line]
    assert all(line.startswith(("if \"anchors\" in path", "raise SystemExit(\"refusing")) for line in train_lines), train_lines


# Widgets that memoise their own drawing for every lesson (an SVG grid, a compare preview): no lesson owns them.
WIDGET_CACHES = {"convviz/ui/widgets/number_grid.py", "convviz/ui/compare/__init__.py"}


def test_caches_only_in_the_cache_layer():
    """st.cache_data, st.cache_resource and caching.cached are used in convviz/ui/cache/ (one module per lesson page),
    not in sections, widgets or pages; each lesson section and each page has a cache module named like it."""
    users = {str(p.relative_to(ROOT)) for p in list((ROOT / "convviz" / "ui").rglob("*.py")) + list((ROOT / "pages").glob("*.py"))
             if any(word in p.read_text() for word in ("cache_data", "cache_resource", "caching import cached"))}
    assert {u for u in users if not u.startswith("convviz/ui/cache/")} == WIDGET_CACHES
    caches = {p.stem for p in (ROOT / "convviz" / "ui" / "cache").glob("*.py")}
    sections = {p.stem for p in (ROOT / "convviz" / "ui" / "sections").glob("*.py")}
    assert sections - caches == {"quiz", "course_notes", "transposed_convolution_checkerboard"}


def test_sections_sit_above_the_cache_and_the_widgets():
    """ui/sections/ draws a lesson from the cache layer and the shared widgets; nothing there imports a section."""
    below = [p for name in ("cache", "widgets", "stage", "compare") for p in (ROOT / "convviz" / "ui" / name).rglob("*.py")]
    imports = {str(p.relative_to(ROOT)): {node.module for node in ast.walk(ast.parse(p.read_text()))
                                          if isinstance(node, ast.ImportFrom) and node.module} for p in below}
    assert imports and not {p: i for p, i in imports.items() if any(m.startswith("convviz.ui.sections") for m in i)}


# A file path the code or the docs name: a top-level folder of this repository, then a file with an ending.
NAMED_PATH = re.compile(
    r"(?<![\w/.])((?:convviz|tests|pages|bench|scripts|docs|deploy|assets)/[\w/.\-]+\.(?:json|py|js|css|md|toml))\b")
SKIPPED = {".git", "screenshots", "__pycache__"}


def named_paths() -> list[tuple[str, str]]:
    """(file, path) for every repository path that a .py, .js, .css or .md file here names."""
    found = []
    for file in sorted(ROOT.rglob("*")):
        if file.suffix in {".py", ".js", ".css", ".md"} and not SKIPPED & set(file.relative_to(ROOT).parts):
            found += [(str(file.relative_to(ROOT)), path) for path in NAMED_PATH.findall(file.read_text())]
    return found


def test_the_path_finder_reads_paths_and_skips_patterns():
    text = "see convviz/ui/cache/convolution.py, `docs/testing.md`; not convviz/ui/sections/<page>.py or convviz/*.py"
    assert NAMED_PATH.findall(text) == ["convviz/ui/cache/convolution.py", "docs/testing.md"]


def test_every_path_the_code_and_docs_name_exists():
    """A file moved or renamed leaves no docstring, comment, README line or doc pointing at its old place."""
    paths = named_paths()
    assert len(paths) > 100                                         # the finder finds the many paths there are
    missing = [(file, path) for file, path in paths if not (ROOT / path).exists()]
    assert missing == []
