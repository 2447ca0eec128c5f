"""The training script: argument rules and the warm start from this project's own weights."""
import argparse
import json

import pytest
import torch

from convviz.restoration.models import build
from convviz.train import parse_args, save_weights, warm_start, warm_start_path

torch.set_num_threads(1)


def test_arch_must_fit_task():
    with pytest.raises(SystemExit):
        parse_args(["denoise", "--arch", "srcnn"])
    assert parse_args(["sr", "--scale", "3"]).arch == "subpixel"


def saved(folder, arch, scale, **metadata):
    """A freshly built model saved as folder/<arch>_x<scale>.safetensors with the trainer's metadata."""
    model = build(arch, scale=scale)
    save_weights(model, folder / f"{arch}_x{scale}.safetensors",
                 {"arch": arch, "config": json.dumps(model.config()), **metadata})
    return model


def test_warm_start_restores_weights_and_state(tmp_path):
    model = saved(tmp_path, "subpixel", 2, step=1234, val_psnr="30.5", train_seconds="99")
    fresh = build("subpixel", scale=2)
    with torch.no_grad():
        for p in fresh.parameters():
            p.zero_()
    state = warm_start(fresh, tmp_path / "subpixel_x2.safetensors", "subpixel", torch.device("cpu"))
    assert state == {"step": 1234, "train_seconds": 99.0, "best_val": 30.5, "best_step": 1234}
    for a, b in zip(model.state_dict().values(), fresh.state_dict().values()):
        assert torch.equal(a, b)
    with pytest.raises(SystemExit, match="not subpixel"):
        warm_start(build("subpixel", scale=3), tmp_path / "subpixel_x2.safetensors", "subpixel",
                   torch.device("cpu"))


def test_srcnn_warm_starts_another_scale_as_a_new_model(tmp_path):
    """SRCNN's weights do not depend on the scale: x3 weights start an x2 model, at step 0."""
    model = saved(tmp_path, "srcnn", 3, step=500, val_psnr="26.6", train_seconds="60")
    x2 = build("srcnn", scale=2)
    state = warm_start(x2, tmp_path / "srcnn_x3.safetensors", "srcnn", torch.device("cpu"))
    assert state == {"step": 0, "train_seconds": 0.0, "best_val": -1.0, "best_step": 0}
    assert x2.config()["scale"] == 2
    for a, b in zip(model.state_dict().values(), x2.state_dict().values()):
        assert torch.equal(a, b)
    with pytest.raises(SystemExit, match="not srcnn"):           # a different width is refused
        warm_start(build("srcnn", scale=2, n1=32), tmp_path / "srcnn_x3.safetensors", "srcnn", torch.device("cpu"))


def test_warm_start_path_choices(tmp_path):
    args = argparse.Namespace(init="shipped", ship=tmp_path)
    assert warm_start_path(args, "subpixel_x2") is None          # nothing shipped there
    (tmp_path / "subpixel_x2.safetensors").write_bytes(b"")
    assert warm_start_path(args, "subpixel_x2") == tmp_path / "subpixel_x2.safetensors"
    assert warm_start_path(argparse.Namespace(init="none", ship=tmp_path), "subpixel_x2") is None
    anchors = tmp_path / "shared" / "anchors"
    anchors.mkdir(parents=True)
    (anchors / "dncnn.safetensors").write_bytes(b"")
    with pytest.raises(SystemExit, match="anchors"):
        warm_start_path(argparse.Namespace(init=str(anchors / "dncnn.safetensors"), ship=tmp_path), "x")


def test_native_bf16_is_read_from_the_cpu_flags():
    from convviz.train import cpu_has_native_bf16
    assert cpu_has_native_bf16("processor : 0\nflags\t\t: fpu avx2 avx512f avx512_bf16 amx_tile\n")
    assert cpu_has_native_bf16("flags : sse amx_bf16 amx_tile\n")
    assert not cpu_has_native_bf16("flags\t\t: fpu sse avx avx2 fma\n")   # an AVX2-only EPYC: bf16 is emulated
    assert not cpu_has_native_bf16("")
    assert isinstance(cpu_has_native_bf16(), bool)
