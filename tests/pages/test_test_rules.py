"""Rules for the tests themselves (issue 36): no test compares a value with itself, and the browser tests wait
on conditions (expect, wait_for_url, wait_for_function), never a fixed sleep, unless the pause is the thing
tested ("nothing moves for N ms"), which the comment line above it says."""

import ast
import re

from tests.support import ROOT

TESTS = sorted(p for p in (ROOT / "tests").rglob("*.py") if "screenshots" not in p.parts)
BROWSER_SIDE = sorted((ROOT / "tests" / "browser").glob("*.py")) + [ROOT / "tests" / "conftest.py",
                                                                   ROOT / "tests" / "support.py",
                                                                   *sorted((ROOT / "convviz" / "testing").glob("*.py"))]
PAUSE_TESTED = "The pause is what is tested"


def test_no_test_compares_a_value_with_itself():
    """`a == a` or `hash(X()) == hash(X())` is true whatever the code does: compare two values built apart."""
    found = []
    for path in TESTS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                for op, left, right in zip(node.ops, sides, sides[1:]):
                    if isinstance(op, (ast.Eq, ast.Is, ast.NotEq, ast.IsNot)) and ast.dump(left) == ast.dump(right):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert found == []


def test_the_rule_sees_a_self_comparison():
    tree = ast.parse("assert hash(S()) == hash(S()) and a == b")
    compares = [n for n in ast.walk(tree) if isinstance(n, ast.Compare)]
    assert [ast.dump(c.left) == ast.dump(c.comparators[0]) for c in compares] == [True, False]


def test_browser_tests_sleep_only_where_the_pause_is_tested():
    found = []
    for path in BROWSER_SIDE:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if "browser" in path.parts and re.search(r"\btime\.sleep\(", line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
            if "wait_for_timeout(" in line and PAUSE_TESTED not in lines[number - 2]:
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == [], f"wait on a condition, or say '{PAUSE_TESTED}' in the comment line above:\n" + "\n".join(found)
