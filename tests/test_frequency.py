import numpy as np
import pytest
import torch
from helpers import low_pass_reference

from pixmim_plugin import frequency

SIZES_RADII = [
    ((224, 224), 40),  # the paper's setting
    ((32, 48), 10),  # non-square
    ((31, 17), 5),  # odd, odd
    ((17, 30), 8.5),  # odd, even, radius at the limit min(H, W)/2
    ((16, 16), 8),  # Nyquist bins inside the disc
    ((20, 20), 5),  # (3, 4) and (5, 0) lie exactly on the circle
    ((9, 12), 0),  # zero frequency only
    ((24, 330), 12),  # wide: the row stage is a real FFT
    ((17, 331), 8.5),  # wide and odd
]


@pytest.mark.parametrize('method', ['dft', 'fft'])
@pytest.mark.parametrize('inclusive', [True, False])
@pytest.mark.parametrize('size,radius', SIZES_RADII)
def test_low_pass_matches_float64_dft(rng, size, radius, inclusive, method):
    x = rng.standard_normal((2, 3) + size).astype(np.float32)
    out = frequency.low_pass(torch.from_numpy(x), radius, inclusive, method)
    assert out.dtype == torch.float32 and out.shape == x.shape
    expected = low_pass_reference(x, radius, inclusive)
    np.testing.assert_allclose(out.numpy(), expected, atol=1e-4, rtol=0)


def test_boundary_bins_follow_inclusive():
    # A pure cosine at frequency (3, 4) has |f| = 5: kept by the inclusive
    # disc of radius 5 and removed by the strict one.
    h, w = 20, 24
    yy, xx = np.mgrid[0:h, 0:w]
    wave = np.cos(2 * np.pi * (3 * yy / h + 4 * xx / w)).astype(np.float32)
    x = torch.from_numpy(wave)
    for method in ('dft', 'fft'):
        kept = frequency.low_pass(x, 5, inclusive=True, method=method)
        gone = frequency.low_pass(x, 5, inclusive=False, method=method)
        np.testing.assert_allclose(kept.numpy(), wave, atol=1e-5)
        np.testing.assert_allclose(gone.numpy(), 0, atol=1e-5)


def test_disc_mask_counts_lattice_points():
    # Gauss circle problem: lattice points with u^2 + v^2 <= 25 are 81, with
    # u^2 + v^2 < 25 are 69 (the 12 points on the circle excluded).
    assert frequency.disc_mask(64, 5).sum() == 81
    assert frequency.disc_mask(64, 5, inclusive=False).sum() == 69
    mask = frequency.disc_mask((8, 6), 1)
    assert mask[0, 0] and mask[1, 0] and mask[-1, 0] and mask[0, -1]
    assert not mask[1, 1]


def test_high_pass_is_the_complement(rng):
    x = rng.standard_normal((3, 28, 28)).astype(np.float32)
    out = frequency.high_pass(torch.from_numpy(x), 6, inclusive=False)
    expected = x - low_pass_reference(x, 6, inclusive=False)
    np.testing.assert_allclose(out.numpy(), expected, atol=1e-4)


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_half_precision_inputs_are_filtered_in_float32(rng, dtype):
    x = torch.from_numpy(rng.standard_normal((2, 3, 56, 40))).to(dtype)
    expected = low_pass_reference(x.double().numpy(), 10)
    for method in ('dft', 'fft'):
        with torch.autocast('cpu', dtype=torch.bfloat16):
            out = frequency.low_pass(x, 10, method=method)
        assert out.dtype == torch.float32
        np.testing.assert_allclose(out.numpy(), expected, atol=1e-4)


def test_choose_method_prefers_truncation_for_small_radius():
    assert frequency.choose_method(224, 40) == 'dft'
    assert frequency.choose_method(224, 112) == 'fft'
    assert frequency.choose_method(64, 25) == 'fft'
    assert frequency.choose_method(224, 40, 'cuda') == 'fft'


def test_cuda_truncates_few_components_only_with_exact_matmuls():
    """MFM's r = 16 at 224 px takes the truncated DFT on CUDA, unless TF32
    matrix products would cost it its exactness."""
    assert frequency.choose_method(224, 16, 'cuda') == 'dft'
    saved = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = True
    try:
        assert frequency.choose_method(224, 16, 'cuda') == 'fft'
        assert frequency.choose_method(224, 16, 'cpu') == 'dft'
    finally:
        torch.backends.cuda.matmul.allow_tf32 = saved


@pytest.mark.parametrize('radius', [-1, 8.5, float('nan'), float('inf')])
def test_radius_out_of_range_is_rejected(radius):
    with pytest.raises(ValueError, match='radius'):
        frequency.low_pass(torch.zeros(1, 16, 17), radius)


def test_rank_and_method_are_checked():
    with pytest.raises(ValueError, match=r'\(\.\.\., H, W\)'):
        frequency.low_pass(torch.zeros(16), 2)
    with pytest.raises(ValueError, match='method'):
        frequency.low_pass(torch.zeros(8, 8), 2, method='dct')


def test_chunked_batch_matches_reference(rng):
    # more images than one cache-sized chunk holds (41 at 224 px)
    x = rng.standard_normal((15, 3, 224, 224)).astype(np.float32)  # 45
    out = frequency.low_pass(torch.from_numpy(x), 40, method='dft')
    np.testing.assert_allclose(
        out.numpy(), low_pass_reference(x, 40), atol=1e-4)


@pytest.mark.parametrize('method', ['dft', 'fft'])
def test_non_contiguous_input_and_gradients(rng, method):
    x = rng.standard_normal((20, 18, 3)).astype(np.float32)
    g = rng.standard_normal((3, 20, 18)).astype(np.float32)
    with torch.inference_mode():  # caches first filled in inference mode
        frequency.low_pass(torch.zeros(3, 20, 18), 6, method=method)
    xt = torch.from_numpy(x).permute(2, 0, 1).requires_grad_()
    out = frequency.low_pass(xt, 6, method=method)
    np.testing.assert_allclose(
        out.detach().numpy(),
        low_pass_reference(x.transpose(2, 0, 1), 6),
        atol=1e-4)
    # the filter is an orthogonal projection: its gradient is itself
    (out * torch.from_numpy(g)).sum().backward()
    np.testing.assert_allclose(
        xt.grad.numpy(), low_pass_reference(g, 6), atol=1e-4)


def test_half_disc_mask_is_the_rfft2_half():
    for size, radius in (((20, 24), 5), ((17, 31), 6.5), ((9, 2), 1)):
        h, w = size
        u = np.round(np.fft.fftfreq(h) * h)
        v = np.round(np.fft.rfftfreq(w) * w)  # 0 .. W // 2
        r2 = u[:, None]**2 + v[None, :]**2
        for inclusive in (True, False):
            expected = r2 <= radius**2 if inclusive else r2 < radius**2
            mask = frequency.half_disc_mask(size, radius, inclusive)
            assert np.array_equal(mask.numpy(), expected)


@pytest.mark.parametrize('size', [(6, 8), (7, 9), (5, 2), (4, 1)])
def test_half_spectrum_sums_equal_full_spectrum_sums(rng, size):
    # any symmetric f (here |X| of real images) summed over the full
    # spectrum, with any mask, equals the folded, weighted half sum
    x = rng.standard_normal((2, 3) + size)
    full = np.abs(np.fft.fft2(x))
    half = np.abs(np.fft.rfft2(x))
    weights = frequency.hermitian_weights(size[1]).double().numpy()
    assert weights.sum() == size[1]
    for mask in (rng.random((2, 1) + size) < 0.4, np.ones((1, 1) + size)):
        folded = frequency.half_spectrum_mask(torch.from_numpy(mask)).double()
        assert folded.shape == mask.shape[:-1] + (size[1] // 2 + 1, )
        np.testing.assert_allclose(
            (half * folded.numpy() * weights).sum(), (full * mask).sum(),
            rtol=1e-6)


def spectral_distance_reference(x, target, mask, eps):
    """float64 numpy over the full orthonormal spectrum."""
    diff = np.fft.fft2(x, norm='ortho') - np.fft.fft2(target, norm='ortho')
    return (np.sqrt(np.abs(diff)**2 + eps) * mask).sum()


@pytest.mark.parametrize('size', [(8, 10), (7, 9), (6, 2)])
@pytest.mark.parametrize('eps', [0., 0.5])
def test_spectral_distance_sum_matches_numpy_and_finite_differences(
        rng, size, eps):
    h, w = size
    x = rng.standard_normal((2, 3, h, w))
    target = rng.standard_normal((2, 3, h, w))
    u = np.round(np.fft.fftfreq(h) * h)
    v = np.round(np.fft.fftfreq(w) * w)
    disc = u[:, None]**2 + v[None, :]**2 < 2.5**2  # symmetric
    mask = np.stack([~disc, disc])[:, None]  # (2, 1, H, W)
    out = frequency.spectral_distance_sum(
        torch.from_numpy(x).float(),
        torch.fft.rfft2(torch.from_numpy(target).float()),
        torch.from_numpy(mask[..., :w // 2 + 1]), eps)
    assert out.dtype == torch.float32
    expected = spectral_distance_reference(x, target, mask, eps)
    assert out.item() == pytest.approx(expected, rel=1e-5)
    # the hand-written backward against finite differences (float64)
    xt = torch.from_numpy(x[:, :1, :5]).requires_grad_()
    spectrum = torch.fft.rfft2(torch.from_numpy(target[:, :1, :5]))
    spectrum.requires_grad_()
    half = torch.from_numpy(mask[..., :5, :w // 2 + 1]).double()
    assert torch.autograd.gradcheck(
        lambda a, b: frequency.spectral_distance_sum(a, b, half, eps),
        (xt, spectrum))


@pytest.mark.parametrize('size', [(8, 10), (7, 9)])
@pytest.mark.parametrize('per_image', [True, False])
def test_spectral_distance_sum_of_a_difference_matches_numpy(
        rng, size, per_image):
    """Without a spectrum the distance is that of ``x`` from zero: passing
    ``pred - target`` takes one transform for both (the DFT is linear)."""
    h, w = size
    x = rng.standard_normal((2, 3, h, w))
    target = rng.standard_normal((2, 3, h, w))
    u = np.round(np.fft.fftfreq(h) * h)
    v = np.round(np.fft.fftfreq(w) * w)
    disc = u[:, None]**2 + v[None, :]**2 < 2.5**2
    mask = np.stack([~disc, disc])[:, None] if per_image else disc[None, None]
    out = frequency.spectral_distance_sum(
        torch.from_numpy(x - target).float(), None,
        torch.from_numpy(mask[..., :w // 2 + 1]), 0.5)
    expected = spectral_distance_reference(x, target,
                                           np.broadcast_to(mask, x.shape), 0.5)
    assert out.item() == pytest.approx(expected, rel=1e-5)
    xt = torch.from_numpy(x[:, :, :5]).requires_grad_()
    half = torch.from_numpy(mask[..., :5, :w // 2 + 1]).double()
    assert torch.autograd.gradcheck(
        lambda a: frequency.spectral_distance_sum(a, None, half, 0.5), (xt, ))


def test_spectral_distance_sum_gradient_at_zero_difference_is_zero(rng):
    x = torch.from_numpy(rng.standard_normal((1, 1, 6, 7))).requires_grad_()
    frequency.spectral_distance_sum(x, torch.fft.rfft2(x.detach())).backward()
    assert torch.equal(x.grad, torch.zeros_like(x))


def test_spectral_distance_sum_checks_the_spectrum_shape():
    with pytest.raises(ValueError, match=r'rfft2 of \(\.\.\., 8, 9\)'):
        frequency.spectral_distance_sum(
            torch.zeros(1, 8, 9), torch.zeros(1, 8, 9, dtype=torch.cfloat))


def test_fused_kernels_compute_what_the_eager_steps_compute(rng):
    """The steps that run as one compiled kernel on CUDA (real views of the
    spectra) give what their eager forms give (compiled here for the
    CPU), and the eager forms what they promise."""
    from pixmim_plugin.frequency import fused
    diff = torch.from_numpy(
        rng.standard_normal((2, 3, 6, 4)) +
        1j * rng.standard_normal((2, 3, 6, 4))).cfloat()
    dist = fused.distance.eager(diff, 0.25)
    expected = np.sqrt(np.abs(diff.numpy().astype(np.complex128))**2 + 0.0625)
    np.testing.assert_allclose(dist.numpy(), expected, rtol=1e-6)
    scale = torch.rand(2, 1, 6, 4)
    x, kept = torch.randn(2, 3, 6, 7), torch.randn(2, 3, 6, 7)
    high = torch.tensor([0., 1.]).view(2, 1, 1, 1)
    offset = torch.tensor([0.5, -0.2, 1.0]).view(1, 3, 1, 1)
    low_bound, high_bound = -torch.ones(3, 1, 1), torch.ones(3, 1, 1) * .8
    blended = fused.blend.eager(x, kept, high, offset, low_bound, high_bound)
    torch.testing.assert_close(blended[0], kept[0].clamp(-1, .8))
    torch.testing.assert_close(blended[1],
                               (x[1] - kept[1] - offset[0]).clamp(-1, .8))
    for step, args in [(fused.distance, (diff, 0.25)),
                       (fused.distance_gradient, (diff, dist, scale)),
                       (fused.blend, (x, kept, high, offset, low_bound,
                                      high_bound))]:
        kernel = torch.compile(step.kernel, dynamic=True, fullgraph=True)
        torch.testing.assert_close(
            step.from_kernel(kernel(*step.to_kernel(*args))),
            step.eager(*args))
