""".streamlit/config.toml: the classroom settings are there, and every option name is one streamlit knows."""

import tomllib
from pathlib import Path

from streamlit import config

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def test_every_option_is_a_real_streamlit_option():
    known = set(config.get_config_options())
    written = {f"{section}.{name}" for section, options in SETTINGS.items() for name in options}
    assert written - known == set(), "misspelt or removed options are ignored silently"


def test_classroom_settings():
    server = SETTINGS["server"]
    assert server["headless"] is True and SETTINGS["browser"]["gatherUsageStats"] is False
    assert 1 <= server["maxUploadSize"] <= 50                  # MB; the pages say the limit
    assert server["maxMessageSize"] < 200                      # bounded below streamlit's default
    assert server["maxCacheDataSize"].endswith(("mb", "gb"))
    assert server["runOnSave"] is False and server["fileWatcherType"] == "none"


def test_no_traceback_ever_reaches_the_browser():
    assert SETTINGS["client"]["showErrorDetails"] in ("type", "none")


def test_post_run_collection_stays_on_with_a_frozen_heap():
    """runner.postScriptGC on (each run's cyclic garbage goes at once); app.py's settle_heap() freezes the
    imports so that the collection is cheap (tests/ui/test_runtime.py; docs/benchmarks.md)."""
    assert SETTINGS["runner"]["postScriptGC"] is True
    assert "settle_heap()" in (ROOT / "app.py").read_text()
