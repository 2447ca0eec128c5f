"""The JS of a convviz component: the shared entry point (mount.js, `mountView`) and then the component's own file."""

from pathlib import Path

MOUNT_JS = (Path(__file__).resolve().parent / "mount.js").read_text(encoding="utf-8")


def component_js(path: Path) -> str:
    """mount.js followed by the component's file (which ends in `export default (c) => mountView(c, …)`)."""
    return MOUNT_JS + "\n" + path.read_text(encoding="utf-8")
