"""The convolution-as-a-matrix lesson's PyTorch code: A built column by column with F.conv2d."""

from __future__ import annotations


def torch_code(lesson) -> str:
    """The torch code that builds A column by column (A e_j = A[:, j]) and prints A x
    (lesson: a convviz.lessons.convolution_matrix.MatrixLesson)."""
    s, (n_rows, n_cols) = lesson.settings, lesson.a.shape
    return (
        "import torch, torch.nn.functional as F\n"
        f"C, H, W = {s.c}, {s.h}, {s.w}\n"
        f"w = torch.tensor({lesson.kernel.tolist()}, dtype=torch.float64)\n"
        f"basis = torch.eye(C * H * W, dtype=torch.float64).view(-1, C, H, W)\n"
        f"A = F.conv2d(basis, w, stride={s.stride}, padding={s.padding}, dilation={s.dilation}).flatten(1).T   "
        f"# ({n_rows}, {n_cols})\n"
        f"x = torch.tensor({lesson.x.tolist()}, dtype=torch.float64)\n"
        "print((A @ x.flatten()).tolist())")
