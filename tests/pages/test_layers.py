"""The house: imports only point down, no cycles, streamlit only in the UI layer, plotly only in figures.

Layers (README, "Layout"; docs/architecture.md), top to bottom: pages → convviz.ui → convviz.lessons →
convviz.slides → convviz.figures → convviz.torch_ref → compute (the modules at convviz's top level and the
convviz/exercises package). torch_ref sits above compute: it imports compute, compute never imports it.
Restoration sits beside compute (it imports compute; figures, lessons, ui and the CLIs import it); the test
harness imports only itself; pages may import any layer but the harness. ALLOWED below is the rule.
Every import is counted, the ones inside functions too.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "convviz"
CLIS = {"convviz.train", "convviz.evaluate", "convviz.restore"}     # outside compute, kept at the top for their names
COMPUTE_PACKAGES = {"exercises"}    # compute split into a package (convviz/exercises/): its modules are compute
PUBLIC_API = ["arithmetic", "conv", "pooling", "transposed", "upsample", "receptive", "matrix", "batchnorm", "zoo",
              "restore", "train", "evaluate"]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    """The layer a convviz module belongs to."""
    parts = module.split(".")
    if len(parts) == 1:
        return "package"
    if module in CLIS:
        return "cli"
    if len(parts) == 2 and (PACKAGE / f"{parts[1]}.py").exists() or parts[1] in COMPUTE_PACKAGES:
        return "compute"
    return parts[1]                       # ui, lessons, figures, torch_ref, restoration, slides, testing


# Which layers each layer may import from (its own included).
ALLOWED = {
    "package": set(),
    "compute": {"compute"},
    "torch_ref": {"torch_ref", "compute"},
    "figures": {"figures", "compute", "torch_ref", "restoration"},
    "slides": {"slides", "figures"},
    "lessons": {"lessons", "figures", "slides", "compute", "torch_ref", "restoration"},
    "restoration": {"restoration", "compute"},
    "cli": {"cli", "restoration", "compute"},
    "ui": {"ui", "lessons", "figures", "slides", "compute", "torch_ref", "restoration", "cli"},
    "testing": {"testing"},
}


# Lazy re-exports: a module-level __getattr__ that keeps an API named by an issue importable from its old home
# after the code moved up a layer (issue 31: convviz.receptive.effective_field_width and empirical_receptive_field
# run torch, so they live in torch_ref). Imports inside such a __getattr__ are not edges of the graph; only these.
LAZY_REEXPORTS = {("convviz.receptive", "convviz.torch_ref.receptive")}


def _lazy_nodes(tree) -> set[int]:
    """ids of the nodes inside a module-level `def __getattr__`."""
    return {id(n) for top in tree.body if isinstance(top, ast.FunctionDef) and top.name == "__getattr__"
            for n in ast.walk(top)}


def lazy_imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    inside = _lazy_nodes(tree)
    return {n.module for n in ast.walk(tree)
            if id(n) in inside and isinstance(n, ast.ImportFrom) and (n.module or "").startswith("convviz")} | {
        f"{n.module}.{a.name}" for n in ast.walk(tree)
        if id(n) in inside and isinstance(n, ast.ImportFrom) and n.module == "convviz.torch_ref" for a in n.names}


def imports_of(path: Path) -> set[str]:
    """Every convviz module `path` imports (top level and inside functions), except a lazy re-export's."""
    found = set()
    tree = ast.parse(path.read_text())
    inside = _lazy_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in inside:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("convviz")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("convviz"):
            for alias in node.names:                           # `from convviz.x import y` may name a module y
                sub = f"{node.module}.{alias.name}"
                is_module = (ROOT / (sub.replace(".", "/") + ".py")).exists() or (ROOT / sub.replace(".", "/")).is_dir()
                found.add(sub if is_module else node.module)
    return found


def third_party(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {m: {i for i in imports_of(p) if i != m} for m, p in MODULES.items()}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module):
    here = layer(module)
    wrong = sorted(i for i in GRAPH[module] if layer(i) not in ALLOWED[here] | {"package"})
    assert not wrong, f"{module} ({here}) imports {[(w, layer(w)) for w in wrong]}"


def test_lazy_reexports_are_only_the_declared_ones():
    found = {(m, i) for m, p in MODULES.items() for i in lazy_imports_of(p) if i != "convviz.torch_ref"}
    assert found == LAZY_REEXPORTS


def test_no_import_cycles():
    """Tarjan's strongly connected components over the import graph: every component is one module."""
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH.get(v, ()):
            if w not in GRAPH:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in GRAPH:
        if v not in index:
            visit(v)
    assert cycles == []


def test_a_cycle_would_be_found():
    """The check above can fail: a made-up pair importing each other is one component."""
    GRAPH["convviz.fake_a"], GRAPH["convviz.fake_b"] = {"convviz.fake_b"}, {"convviz.fake_a"}
    try:
        with pytest.raises(AssertionError):
            test_no_import_cycles()
    finally:
        del GRAPH["convviz.fake_a"], GRAPH["convviz.fake_b"]


def test_streamlit_only_in_the_ui_and_plotly_only_in_figures():
    for module, path in MODULES.items():
        used = third_party(path)
        if "streamlit" in used:
            assert layer(module) == "ui", module
        if "plotly" in used:
            assert layer(module) == "figures", module


def test_top_level_is_small_and_the_public_api_is_there():
    top = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")      # the package's own file is not a module in it
    assert len(top) <= 20, top          # 19: architecture (issue 35); 20: checkerboard (issue 34)
    for name in PUBLIC_API:
        assert name in top, name


def test_pages_are_thin_lessons():
    for page in (ROOT / "pages").glob("*.py"):
        lines = len(page.read_text().splitlines())
        assert lines <= 200, f"{page.name} has {lines} lines"
        assert not {i for i in imports_of(page) if layer(i) == "testing"}, page.name
