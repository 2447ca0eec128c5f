"""The batch-norm demo's stored default result (convviz/lessons/data/bn_demo_default.json, written by
scripts/make_bn_demo.py) equals a fresh training run with the same arguments, and is used only for them."""

import dataclasses

import numpy as np

from convviz.lessons.batch_normalization import DemoSettings
from convviz.lessons.shared.bn_training_demo import compare, stored


def test_stored_default_equals_a_fresh_run():
    demo = DemoSettings()
    kept = stored(demo.lrs, demo.steps, seed=demo.seed)
    assert kept is not None and kept["stored"] is True, "run: python scripts/make_bn_demo.py"
    fresh = compare(demo.lrs, demo.steps, seed=demo.seed)
    assert len(kept["runs"]) == len(fresh["runs"]) == 4
    for a, b in zip(kept["runs"], fresh["runs"]):
        assert (a.batch_norm, a.lr, a.diverged, len(a.losses)) == (b.batch_norm, b.lr, b.diverged, len(b.losses))
        # one CPU thread, seeded: the same numbers (a tolerance only for another CPU's float32 rounding)
        np.testing.assert_allclose(a.losses, b.losses, rtol=1e-5, atol=1e-6,
                                   err_msg="the stored demo differs from a fresh run: python scripts/make_bn_demo.py")
        np.testing.assert_allclose([a.test_loss, a.test_accuracy], [b.test_loss, b.test_accuracy], rtol=1e-5, atol=1e-6)


def test_stored_is_only_for_its_own_arguments():
    demo = DemoSettings()
    assert stored(demo.lrs, demo.steps, seed=demo.seed + 1) is None
    assert stored(demo.lrs, demo.steps + 1, seed=demo.seed) is None
    assert stored(demo.lrs[::-1], demo.steps, seed=demo.seed) is None
    assert stored(demo.lrs, demo.steps, batch_size=16, seed=demo.seed) is None
    assert dataclasses.asdict(DemoSettings()) == {"lr_small": 0.01, "lr_large": 0.1, "steps": 250, "seed": 2}
