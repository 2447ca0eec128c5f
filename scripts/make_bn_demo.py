"""Write the batch-norm lesson's training demo at its default settings (convviz/lessons/data/bn_demo_default.json),
so that the page shows it without training on a first visit (issue 33):

    python scripts/make_bn_demo.py          # about 14 s of one CPU thread

tests/compute/test_bn_demo_stored.py trains the same runs afresh and checks they equal the file.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from convviz.lessons.batch_normalization import DemoSettings  # noqa: E402
from convviz.lessons.shared.bn_training_demo import STORED, compare, to_json  # noqa: E402


def main() -> None:
    demo = DemoSettings()
    result = compare(demo.lrs, demo.steps, seed=demo.seed)
    STORED.parent.mkdir(parents=True, exist_ok=True)
    STORED.write_text(to_json(result, demo.lrs, demo.steps, demo.seed) + "\n")
    print(f"wrote {STORED} ({STORED.stat().st_size} bytes; trained in {result['seconds']:.1f} s)")


if __name__ == "__main__":
    main()
