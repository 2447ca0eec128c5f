"""`python -m convviz.train` end to end on a tiny synthetic data set: it logs, checkpoints, ships the
best weights, is seeded, and a resumed run continues exactly where the stopped one left off."""
import json

import numpy as np
import pytest
import torch
from PIL import Image
from safetensors.torch import load_file

from convviz.train import drop_log_rows_after, main

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("train_images")
    rng = np.random.default_rng(7)
    for i in range(10):                                   # 2 to train on, the last 8 held out
        smooth = np.cumsum(np.cumsum(rng.normal(size=(100, 100)), 0), 1)
        img = (smooth - smooth.min()) / np.ptp(smooth) * 255
        Image.fromarray(img.astype(np.uint8)).save(folder / f"{i:02d}.png")
    return folder


def train(data_dir, out, *extra):
    main(["sr", "--scale", "2", "--data", str(data_dir), "--out", str(out), "--ship", "none",
          "--init", "none", "--batch-size", "2", "--val-every", "2", "--minutes", "5", *extra])


def test_a_run_logs_checkpoints_and_keeps_its_best_weights(data_dir, tmp_path):
    train(data_dir, tmp_path, "--max-steps", "4")
    run = tmp_path / "subpixel_x2"
    rows = (run / "log.csv").read_text().splitlines()
    assert rows[0] == "step,train_seconds,lr,loss,val_psnr,extra"
    assert [int(r.split(",")[0]) for r in rows[1:]] == [2, 4]           # validated every 2 steps
    vals = [float(r.split(",")[4]) for r in rows[1:]]
    assert all(np.isfinite(vals)) and all("val_bicubic=" in r for r in rows[1:])
    ckpt = torch.load(run / "checkpoint.pt", weights_only=False)
    assert ckpt["state"]["step"] == 4 and ckpt["state"]["best_val"] == pytest.approx(max(vals), abs=1e-4)
    events = [json.loads(line)["event"] for line in (run / "sessions.jsonl").read_text().splitlines()]
    assert events == ["start", "stop"]
    best = load_file(str(run / "best.safetensors"))
    assert set(best) == set(ckpt["model"])


def test_training_is_seeded_and_resumes_exactly(data_dir, tmp_path):
    train(data_dir, tmp_path / "once", "--max-steps", "4")
    train(data_dir, tmp_path / "twice", "--max-steps", "2")
    train(data_dir, tmp_path / "twice", "--max-steps", "2")            # resumes from the checkpoint
    once = torch.load(tmp_path / "once" / "subpixel_x2" / "checkpoint.pt", weights_only=False)
    twice = torch.load(tmp_path / "twice" / "subpixel_x2" / "checkpoint.pt", weights_only=False)
    assert twice["state"]["step"] == 4
    for name, tensor in once["model"].items():
        assert torch.equal(tensor, twice["model"][name]), name
    log = (tmp_path / "twice" / "subpixel_x2" / "log.csv").read_text().splitlines()
    assert [int(r.split(",")[0]) for r in log[1:]] == [2, 4]


def test_rows_a_killed_run_logged_after_its_checkpoint_are_dropped(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("step,train_seconds,lr,loss,val_psnr,extra\n200,1,0.001,0.1,25,\n400,2,0.001,0.1,26,\n"
                   "600,3,0.001,0.1,27,\n")
    assert drop_log_rows_after(log, 400) == 1
    assert log.read_text().splitlines()[1:] == ["200,1,0.001,0.1,25,", "400,2,0.001,0.1,26,"]
    assert drop_log_rows_after(log, 400) == 0


def test_the_denoiser_validates_at_three_noise_levels(data_dir, tmp_path):
    main(["denoise", "--data", str(data_dir), "--out", str(tmp_path), "--ship", "none", "--init", "none",
          "--batch-size", "2", "--val-every", "1", "--minutes", "5", "--max-steps", "1"])
    row = (tmp_path / "ffdnet_gray" / "log.csv").read_text().splitlines()[1].split(",")
    assert row[0] == "1"
    extra = dict(item.split("=") for item in row[5].split(";"))
    assert set(extra) == {"val_psnr_s15", "val_psnr_s25", "val_psnr_s50"}
    levels = [float(extra[k]) for k in ("val_psnr_s15", "val_psnr_s25", "val_psnr_s50")]
    assert float(row[4]) == pytest.approx(np.mean(levels), abs=2e-3)


def test_bf16_autocast_trains_float32_weights_close_to_a_float32_run(data_dir, tmp_path):
    """`--precision bf16` autocasts only the forward pass: the weights, the optimizer and the
    validation stay float32, and one step lands near the float32 step from the same seed."""
    train(data_dir, tmp_path / "fp32", "--max-steps", "1")
    train(data_dir, tmp_path / "bf16", "--max-steps", "1", "--precision", "bf16")
    fp32 = torch.load(tmp_path / "fp32" / "subpixel_x2" / "checkpoint.pt", weights_only=False)
    bf16 = torch.load(tmp_path / "bf16" / "subpixel_x2" / "checkpoint.pt", weights_only=False)
    assert all(t.dtype == torch.float32 for t in bf16["model"].values())
    for name, tensor in fp32["model"].items():
        # Adam's first step moves each weight by about lr (1e-3): bf16 changes the sign of a few tiny updates only
        assert (tensor - bf16["model"][name]).abs().max() <= 2.5e-3, name
    losses = [float((tmp_path / run / "subpixel_x2" / "log.csv").read_text().splitlines()[1].split(",")[3])
              for run in ("fp32", "bf16")]
    assert losses[1] == pytest.approx(losses[0], rel=0.02)
    start = json.loads((tmp_path / "bf16" / "subpixel_x2" / "sessions.jsonl").read_text().splitlines()[0])
    assert start["hardware"].endswith("bf16 autocast")
