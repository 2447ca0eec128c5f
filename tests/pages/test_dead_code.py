"""No dead code (issue 36): vulture at 60% confidence over app.py, convviz/, pages/ and scripts/ finds nothing
unused, apart from the names in tests/vulture_whitelist.py (public API, the scene contract, the test harness,
plotly attributes, and code owned by open changes), each of which it would flag without the whitelist."""

import re
import subprocess
import sys

from tests.support import ROOT

WHITELIST = ROOT / "tests" / "vulture_whitelist.py"
PATHS = ["app.py", "convviz", "pages", "scripts"]


def vulture(*paths) -> list[str]:
    result = subprocess.run([sys.executable, "-m", "vulture", *map(str, paths), "--min-confidence", "60"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 3), result.stderr          # 3: vulture found dead code
    return result.stdout.splitlines()


def test_nothing_unused_outside_the_whitelist():
    found = vulture(*PATHS, WHITELIST)
    assert found == [], "\n".join(found) + "\n(delete it, or add it to tests/vulture_whitelist.py with a reason)"


def test_every_whitelist_entry_is_still_needed():
    flagged = {re.search(r"unused \w+ '([^']+)'", line).group(1) for line in vulture(*PATHS)}
    listed = {re.match(r"(?:_\.)?(\w+)", line).group(1) for line in WHITELIST.read_text().splitlines()
              if re.match(r"(?:_\.)?\w+\s*(#|$)", line)}
    assert listed, "the whitelist was not read"
    assert listed - flagged == set(), "vulture no longer flags these: remove them from tests/vulture_whitelist.py"


def test_an_unused_function_would_be_found(tmp_path):
    """The check above can fail: a module with a function nothing calls is reported."""
    (tmp_path / "lonely.py").write_text("def used():\n    return 1\n\n\ndef unused():\n    return 2\n\n\nused()\n")
    found = vulture(tmp_path / "lonely.py")
    assert len(found) == 1 and "unused function 'unused'" in found[0], found
