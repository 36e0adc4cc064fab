import numpy as np
import pytest


def low_pass_reference(x: np.ndarray,
                       radius: float,
                       inclusive: bool = True) -> np.ndarray:
    """Ideal low-pass filter with numpy's float64 complex DFT, independent of
    the plugin: integer offsets from ``np.fft.fftfreq``, full complex
    spectrum, real part of the inverse."""
    h, w = x.shape[-2:]
    u = np.round(np.fft.fftfreq(h) * h)
    v = np.round(np.fft.fftfreq(w) * w)
    r2 = u[:, None]**2 + v[None, :]**2
    keep = r2 <= radius**2 if inclusive else r2 < radius**2
    spectrum = np.fft.fft2(x.astype(np.float64)) * keep
    out = np.fft.ifft2(spectrum)
    assert np.abs(out.imag).max() < 1e-9 * max(1, np.abs(out.real).max())
    return out.real


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)
