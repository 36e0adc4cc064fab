"""ImageNet-C's 15 corruptions at 5 severities, re-implemented small for
the demo images (64-104 px) with numpy, OpenCV and PIL.

They follow the recipes of `Hendrycks and Dietterich, 2019
<https://arxiv.org/abs/1903.12261>`_ in spirit (additive Gaussian, Poisson
and salt-and-pepper noise; disc, glass, motion and zoom blur; snow, frost,
fog, brightness; contrast, elastic warp, pixelation, JPEG) with their
parameters scaled to the smaller images and simplified where the original
needs files (frost photographs) or libraries (Wand's motion blur,
scikit-image) this project does not install. Every corruption maps a uint8
(H, W, 3) RGB image to one of the same size and dtype, strength
non-decreasing in ``severity`` 1..5, randomness from ``rng``.
"""
import io
from typing import Callable, Dict

import cv2
import numpy as np
from PIL import Image

from pixmim_plugin.datasets.imagenet_c import CORRUPTIONS
from pixmim_plugin.frequency import disc_mask

Corruption = Callable[[np.ndarray, int, np.random.Generator], np.ndarray]


def _float(img: np.ndarray) -> np.ndarray:
    return img.astype(np.float32) / 255


def _uint8(x: np.ndarray) -> np.ndarray:
    return (np.clip(x, 0, 1) * 255 + 0.5).astype(np.uint8)


def _smooth_noise(rng, h: int, w: int, cell: float) -> np.ndarray:
    """Noise in [0, 1] varying over about ``cell`` pixels, (h, w)."""
    coarse = rng.uniform(0, 1, (int(h / cell) + 2, int(w / cell) + 2))
    return cv2.resize(
        coarse.astype(np.float32), (w, h),
        interpolation=cv2.INTER_CUBIC).clip(0, 1)


def gaussian_noise(img, severity, rng):
    sigma = (0.04, 0.07, 0.1, 0.14, 0.2)[severity - 1]
    x = _float(img)
    return _uint8(x + rng.normal(0, sigma, x.shape))


def shot_noise(img, severity, rng):
    photons = (60, 30, 15, 8, 4)[severity - 1]
    return _uint8(rng.poisson(_float(img) * photons) / photons)


def impulse_noise(img, severity, rng):
    amount = (0.02, 0.04, 0.07, 0.11, 0.16)[severity - 1]
    x = _float(img)
    hit = rng.uniform(size=x.shape) < amount
    return _uint8(np.where(hit, rng.integers(0, 2, x.shape), x))


def defocus_blur(img, severity, rng):
    radius = (1, 1.5, 2, 2.5, 3.5)[severity - 1]
    size = 2 * int(np.ceil(radius)) + 1
    # the disc of frequency.py, centred: a spatial disc kernel
    kernel = np.fft.fftshift(disc_mask(size,
                                       radius).numpy()).astype(np.float32)
    return cv2.filter2D(
        img, -1, kernel / kernel.sum(), borderType=cv2.BORDER_REFLECT)


def glass_blur(img, severity, rng):
    sigma, delta, rounds = ((0.5, 1, 1), (0.6, 1, 2), (0.7, 2, 1), (0.8, 2, 2),
                            (1.0, 2, 3))[severity - 1]
    h, w = img.shape[:2]
    x = cv2.GaussianBlur(_float(img), (0, 0), sigma)
    yy, xx = np.mgrid[0:h, 0:w]
    for _ in range(rounds):  # each pixel takes a random nearby pixel
        dy, dx = rng.integers(-delta, delta + 1, (2, h, w))
        x = x[np.clip(yy + dy, 0, h - 1), np.clip(xx + dx, 0, w - 1)]
    return _uint8(cv2.GaussianBlur(x, (0, 0), sigma))


def motion_blur(img, severity, rng):
    length = (3, 5, 7, 9, 12)[severity - 1]
    kernel = np.zeros((length, length), np.float32)
    angle = rng.uniform(0, np.pi)
    c, r = (length - 1) / 2, (length - 1) / 2
    p0 = (round(c - r * np.cos(angle)), round(c - r * np.sin(angle)))
    p1 = (round(c + r * np.cos(angle)), round(c + r * np.sin(angle)))
    cv2.line(kernel, p0, p1, 1.0, 1)
    return cv2.filter2D(
        img, -1, kernel / kernel.sum(), borderType=cv2.BORDER_REFLECT)


def zoom_blur(img, severity, rng):
    top = (1.06, 1.1, 1.14, 1.18, 1.24)[severity - 1]
    h, w = img.shape[:2]
    x, layers = _float(img), [_float(img)]
    for zoom in np.arange(1.02, top + 1e-6, 0.02):
        big = cv2.resize(
            x, (round(w * zoom), round(h * zoom)),
            interpolation=cv2.INTER_LINEAR)
        y0, x0 = (big.shape[0] - h) // 2, (big.shape[1] - w) // 2
        layers.append(big[y0:y0 + h, x0:x0 + w])
    return _uint8(np.mean(layers, axis=0))


def snow(img, severity, rng):
    density, length, grey = ((0.01, 2, 0.05), (0.02, 3, 0.1), (0.03, 3, 0.15),
                             (0.045, 4, 0.2), (0.06, 5, 0.25))[severity - 1]
    h, w = img.shape[:2]
    x = _float(img)
    lum = cv2.cvtColor(x, cv2.COLOR_RGB2GRAY)[..., None]
    x = (1 - grey) * x + grey * np.maximum(x, lum * 1.5 + 0.5)
    flakes = (rng.uniform(size=(h, w)) < density).astype(np.float32)
    flakes = motion_blur(
        _uint8(np.repeat(flakes[..., None], 3, 2)), length, rng)
    return _uint8(x + _float(flakes) * 1.5)


def frost(img, severity, rng):
    weight = (0.2, 0.3, 0.38, 0.46, 0.55)[severity - 1]
    h, w = img.shape[:2]
    # icy veins: ridges of smooth noise, pale blue
    ridges = 1 - np.abs(2 * _smooth_noise(rng, h, w, 6) - 1)
    ice = (ridges**4)[..., None] * np.array([0.85, 0.93, 1.0], np.float32)
    return _uint8((1 - weight / 2) * _float(img) + weight * (ice + 0.3))


def fog(img, severity, rng):
    amount = (0.3, 0.5, 0.7, 0.9, 1.2)[severity - 1]
    h, w = img.shape[:2]
    haze = sum(
        _smooth_noise(rng, h, w, cell) / 2**i
        for i, cell in enumerate((32, 16, 8, 4)))
    x = _float(img)
    peak = x.max()
    return _uint8(
        (x + amount * haze[..., None] / 1.875) * peak / (peak + amount))


def brightness(img, severity, rng):
    shift = (0.1, 0.2, 0.3, 0.4, 0.5)[severity - 1]
    hsv = cv2.cvtColor(_float(img), cv2.COLOR_RGB2HSV)
    hsv[..., 2] = np.clip(hsv[..., 2] + shift, 0, 1)
    return _uint8(cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB))


def contrast(img, severity, rng):
    factor = (0.6, 0.45, 0.3, 0.2, 0.12)[severity - 1]
    x = _float(img)
    mean = x.mean(axis=(0, 1), keepdims=True)
    return _uint8((x - mean) * factor + mean)


def elastic_transform(img, severity, rng):
    alpha = (0.5, 0.8, 1.2, 1.6, 2.2)[severity - 1]  # displacement, px
    h, w = img.shape[:2]
    field = rng.uniform(-1, 1, (2, h, w)).astype(np.float32)
    field = np.stack([cv2.GaussianBlur(f, (0, 0), 4) for f in field])
    field *= alpha / (field.std() + 1e-8)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    return cv2.remap(
        img,
        xx + field[0],
        yy + field[1],
        interpolation=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REFLECT)


def pixelate(img, severity, rng):
    factor = (0.7, 0.55, 0.42, 0.32, 0.24)[severity - 1]
    h, w = img.shape[:2]
    small = Image.fromarray(img).resize(
        (max(1, round(w * factor)), max(1, round(h * factor))), Image.BOX)
    return np.asarray(small.resize((w, h), Image.NEAREST))


def jpeg_compression(img, severity, rng):
    quality = (30, 20, 14, 9, 6)[severity - 1]
    buffer = io.BytesIO()
    Image.fromarray(img).save(buffer, 'JPEG', quality=quality)
    return np.asarray(Image.open(buffer).convert('RGB'))


DEMO_CORRUPTIONS: Dict[str, Corruption] = {
    c: globals()[c]
    for c in CORRUPTIONS
}


def corrupt(img: np.ndarray, corruption: str, severity: int,
            rng: np.random.Generator) -> np.ndarray:
    """Apply one demo corruption.

    Args:
        img (np.ndarray): uint8 (H, W, 3) RGB.
        corruption (str): One of the 15 ImageNet-C corruptions.
        severity (int): 1..5.
        rng (np.random.Generator): Source of the corruption's randomness.

    Returns:
        np.ndarray: uint8 (H, W, 3).
    """
    if corruption not in DEMO_CORRUPTIONS:
        raise ValueError(f'corruption must be one of {CORRUPTIONS}, got '
                         f'{corruption!r}')
    if severity not in (1, 2, 3, 4, 5):
        raise ValueError(f'severity must be in 1..5, got {severity}')
    if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f'img must be uint8 (H, W, 3), got {img.dtype} '
                         f'{img.shape}')
    return DEMO_CORRUPTIONS[corruption](img, severity, rng)
