"""scripts/model_cards.py keeps the training history a new machine does not have (runs/ is not in git)."""
import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "model_cards.py"
spec = importlib.util.spec_from_file_location("model_cards", SCRIPT)
model_cards = importlib.util.module_from_spec(spec)
spec.loader.exec_module(model_cards)

OLD_CARD = f"""# m: a model

## Training

{model_cards.HARDWARE_LINE}cpu: A, 1 thread(s); cpu: B, 2 thread(s); seeded (--seed 0)

{model_cards.CURVE_HEADING}

| step | training min | lr | train loss (MSE) | val PSNR dB | detail |
|---|---|---|---|---|---|
| 200 | 3.0 | 0.001 | 0.01 | 25.000 | val_a=1.000, val_b=2.000 |
| 400 | 6.0 | 0.001 | 0.009 | 26.500 (best) | val_a=1.500, val_b=2.500 |
| 600 | 9.0 | 5e-05 | 0.008 | 26.400 | val_a=1.400, val_b=2.400 |

## Reproduce
"""


def log_row(step, val):
    return {"step": step, "minutes": step / 60, "lr": "5e-05", "loss": 0.007, "val": val, "extra": "val_a=1.0"}


def test_previous_card_rows_and_hardware_are_read_back():
    rows = model_cards.card_curve_rows(OLD_CARD)
    assert [(r["step"], r["val"], r["lr"]) for r in rows] == [(200, 25.0, "0.001"), (400, 26.5, "0.001"), (600, 26.4, "5e-05")]
    assert rows[0]["extra"] == "val_a=1.000;val_b=2.000"
    assert model_cards.card_hardware(OLD_CARD) == ["cpu: A, 1 thread(s)", "cpu: B, 2 thread(s)"]
    assert model_cards.card_curve_rows("# no curve here") == []


def test_curve_keeps_carried_rows_before_the_local_log():
    carried = model_cards.card_curve_rows(OLD_CARD)
    table = model_cards.curve_table([log_row(500, 26.45), log_row(700, 26.6)], carried=carried)
    steps = [int(line.split("|")[1]) for line in table if line[:3].strip("| ").isdigit()]
    assert steps == [200, 400, 500, 700]                   # row 600 is covered by the new log (it starts at 500)
    assert any("| 700 |" in line and "(best)" in line for line in table)
    assert any("carried over from the previous card" in line for line in table)


def test_curve_with_no_local_log_is_the_previous_card():
    table = model_cards.curve_table([], carried=model_cards.card_curve_rows(OLD_CARD))
    assert sum(line.startswith("| 4") for line in table) == 1 and any("26.500 (best)" in line for line in table)
    assert model_cards.curve_table([], carried=[]) == ["(no training log found under runs/)"]
