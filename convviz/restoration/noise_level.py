"""How much Gaussian noise is in an image? The blind denoiser's sigma, from the finest wavelet band.

The finest diagonal band HH of an orthonormal wavelet (db2: high-pass along rows and columns,
every second sample) holds almost nothing of a natural image but all of white noise: for noise
N(0, sigma^2) its coefficients are i.i.d. N(0, sigma^2).

- `wavelet_mad_sigma`: sigma = median(|HH|) / 0.6745 over the whole band (Donoho & Johnstone
  1994; what skimage.restoration.estimate_sigma computes). Edges and texture leak into HH, so it
  reads high on detailed photos (BSD68 at sigma 15: +1.3 on average).
- `blockwise_sigma`: HH cut into 16x16 blocks; the RMS of each block is sigma * sqrt(chi2_256 / 256)
  where the block is flat. The 20th percentile of the block RMS values, divided by that same
  percentile of sqrt(chi2_256 / 256), reads sigma from the flattest fifth of the image, so texture
  leaks in less. Blocks with clipped pixels (exactly 0 or 1: a saturated sky, a black
  background) are left out, since clipping removes noise. Block size and percentile were chosen on
  Train400 (the training images), not on the benchmark sets.
"""
import numpy as np
from scipy.ndimage import correlate1d, maximum_filter
from scipy.stats import chi2

# Daubechies-2 decomposition high-pass filter (the wavelet skimage.restoration.estimate_sigma uses).
DB2_HIGH = np.array([-0.48296291314469025, 0.836516303737469, -0.22414386804185735, -0.12940952255092145])
BLOCK = 16                  # HH coefficients per block side (32 image pixels)
PERCENTILE = 20
MIN_BLOCKS = 8              # fewer usable blocks than this: fall back to the whole-band MAD
# The PERCENTILE-th percentile of a flat block's RMS / sigma: sqrt(chi2_{n} quantile / n), n = BLOCK^2.
FLAT_BLOCK_QUANTILE = float(np.sqrt(chi2.ppf(PERCENTILE / 100, BLOCK * BLOCK) / (BLOCK * BLOCK)))


def finest_diagonal_band(plane: np.ndarray) -> np.ndarray:
    """HH: db2 high-pass along rows and columns, every second sample, borders dropped. (H, W) -> about (H/2, W/2)."""
    return correlate1d(correlate1d(plane, DB2_HIGH, axis=0), DB2_HIGH, axis=1)[2:-2:2, 2:-2:2]


def _median_sigma(hh: np.ndarray) -> float:
    return float(np.median(np.abs(hh)) / 0.6745) if hh.size else 0.0


def wavelet_mad_sigma(plane: np.ndarray) -> float:
    """median(|HH|) / 0.6745, on the scale of `plane` (0 for an image too small to have a band)."""
    return _median_sigma(finest_diagonal_band(plane))


def blockwise_sigma(plane: np.ndarray) -> float:
    """sigma from the flattest blocks of HH (see the module docstring), on the scale of `plane`."""
    hh = finest_diagonal_band(plane)
    clipped = maximum_filter(((plane == 0) | (plane == 1)).astype(np.uint8), size=4)[2:-2:2, 2:-2:2]
    rows, cols = hh.shape[0] // BLOCK, hh.shape[1] // BLOCK

    def blocks(a):                                      # (rows * cols, BLOCK * BLOCK)
        a = a[:rows * BLOCK, :cols * BLOCK].reshape(rows, BLOCK, cols, BLOCK)
        return a.transpose(0, 2, 1, 3).reshape(rows * cols, BLOCK * BLOCK)

    usable = blocks(clipped).mean(axis=1) <= 0.02
    if usable.sum() < MIN_BLOCKS:                       # too small, or mostly clipped
        return _median_sigma(hh)
    rms = np.sqrt(np.mean(blocks(hh)[usable] ** 2, axis=1))
    return float(np.percentile(rms, PERCENTILE) / FLAT_BLOCK_QUANTILE)
