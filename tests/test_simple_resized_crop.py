import itertools
from typing import List, Tuple

import mmcv
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmpretrain.registry import TRANSFORMS

import pixmim_plugin  # noqa: F401


def build(**kwargs):
    return TRANSFORMS.build(dict(type='SimpleResizedCrop', **kwargs))


def run(transform, img, seed=0):
    np.random.seed(seed)
    return transform(dict(img=img.copy()))


def at_offset(transform, img, top: int, left: int) -> np.ndarray:
    """The transform's output for the crop corner ``(top, left)`` in the
    padded resized image."""
    transform.rand_offset = lambda h, w: (top, left)
    return transform(dict(img=img.copy()))['img']


def resized_size(h: int, w: int, scale: int) -> Tuple[int, int]:
    """torchvision's ``Resize(scale)`` size: shorter edge to ``scale``, the
    other one rounded down."""
    return (scale, scale * w // h) if h <= w else (scale * h // w, scale)


def offsets(h: int, w: int, scale: int, pad: int) -> List[Tuple[int, int]]:
    """Every crop corner of an ``h x w`` resized image, or the extreme ones
    and a regular sample of the others when there are many."""
    tops = range(h + 2 * pad - scale + 1)
    lefts = range(w + 2 * pad - scale + 1)
    step = 1 if len(tops) * len(lefts) <= 400 else 7
    return sorted(
        itertools.product({*tops[::step], tops[-1]},
                          {*lefts[::step], lefts[-1]}))


def stock_pair(img: np.ndarray, scale: int, pad: int, backend: str,
               interpolation: str) -> Tuple[np.ndarray, callable]:
    """mmpretrain's ``ResizeEdge`` and ``RandomCrop`` with mmcv's reflect
    padding between them; returns the padded resized image and a function
    of the crop corner."""
    resize = TRANSFORMS.build(
        dict(
            type='ResizeEdge',
            scale=scale,
            edge='short',
            backend=backend,
            interpolation=interpolation))
    crop = TRANSFORMS.build(dict(type='RandomCrop', crop_size=scale))
    resized = resize(dict(img=img.copy()))['img']
    padded = mmcv.impad(resized, padding=pad, padding_mode='reflect')

    def window(top, left):
        crop.rand_crop_params = lambda _: (top, left, scale, scale)
        return crop(dict(img=padded))['img']

    return padded, window


SHAPES = [(37, 53), (53, 37), (31, 31), (45, 19), (21, 26), (32, 50), (1, 1),
          (3, 7), (300, 40)]


@pytest.mark.parametrize('shape', SHAPES)
@pytest.mark.parametrize('backend', ['pillow', 'cv2'])
@pytest.mark.parametrize('interpolation', ['bilinear', 'bicubic'])
def test_equals_stock_resize_edge_reflect_pad_and_random_crop(
        shape, backend, interpolation):
    # Same pixels as mmpretrain's ResizeEdge + reflect padding + RandomCrop
    # with the same resize backend, for every crop corner. When cv2
    # downscales, SimpleResizedCrop antialiases with INTER_AREA: the stock
    # pair matches it with interpolation='area'.
    scale, pad = 32, 4
    img = np.random.default_rng(0).integers(
        0, 256, shape + (3, ), dtype=np.uint8)
    new_h, new_w = resized_size(*shape, scale)
    stock_interpolation = interpolation
    if backend == 'cv2' and new_h * new_w < shape[0] * shape[1]:
        stock_interpolation = 'area'
    padded, stock = stock_pair(img, scale, pad, backend, stock_interpolation)
    assert padded.shape[:2] == (new_h + 2 * pad, new_w + 2 * pad)
    transform = build(
        scale=scale, padding=pad, interpolation=interpolation, backend=backend)
    for top, left in offsets(new_h, new_w, scale, pad):
        np.testing.assert_array_equal(
            at_offset(transform, img, top, left),
            stock(top, left),
            err_msg=f'corner {(top, left)}')


def test_stock_random_crop_padding_is_not_reflected():
    # Why the stock pair is not enough: mmpretrain's RandomCrop applies
    # `padding` with zeros whatever `padding_mode` says, so it agrees with
    # SimpleResizedCrop inside the resized image only.
    img = np.random.default_rng(5).integers(0, 256, (37, 53, 3), np.uint8)
    transform = build(scale=32, backend='pillow')
    stock = [
        TRANSFORMS.build(
            dict(type='ResizeEdge', scale=32, edge='short', backend='pillow')),
        TRANSFORMS.build(
            dict(
                type='RandomCrop',
                crop_size=32,
                padding=4,
                padding_mode='reflect'))
    ]

    def stock_at(top, left):
        stock[1].rand_crop_params = lambda _: (top, left, 32, 32)
        return stock[1](stock[0](dict(img=img.copy())))['img']

    np.testing.assert_array_equal(
        stock_at(4, 9), at_offset(transform, img, 4, 9))
    corner = stock_at(0, 0)
    assert not corner[:4].any() and not corner[:, :4].any()
    assert at_offset(transform, img, 0, 0)[:4].any()


@pytest.mark.parametrize('shape', [(37, 53, 3), (45, 19, 3), (21, 26, 3),
                                   (40, 50), (40, 50, 4)])
@pytest.mark.parametrize('interpolation', ['bilinear', 'bicubic'])
def test_torch_backend_equals_whole_image_resize_pad_and_crop(
        shape, interpolation):
    scale, pad = 32, 4
    img = np.random.default_rng(1).integers(0, 256, shape, dtype=np.uint8)
    new_h, new_w = resized_size(*shape[:2], scale)
    planes = torch.from_numpy(img.reshape(shape[:2] + (-1, ))).permute(
        2, 0, 1)[None]
    resized = F.interpolate(
        planes,
        size=(new_h, new_w),
        mode=interpolation,
        antialias=True,
        align_corners=False)[0].permute(1, 2, 0).numpy()
    padded = np.pad(resized, ((pad, pad), (pad, pad), (0, 0)), 'reflect')
    transform = build(scale=scale, padding=pad, interpolation=interpolation)
    for top, left in offsets(new_h, new_w, scale, pad):
        expected = padded[top:top + scale, left:left + scale]
        np.testing.assert_array_equal(
            at_offset(transform, img, top, left),
            expected.reshape((scale, scale) + shape[2:]))


@pytest.mark.parametrize('interpolation', ['bilinear', 'bicubic'])
def test_torch_backend_is_within_one_of_pil(interpolation):
    # PIL is what torchvision's Resize (the paper's pipeline) uses.
    img = np.random.default_rng(2).integers(
        0, 256, (150, 200, 3), dtype=np.uint8)
    scale, pad = 60, 4
    pil, _ = stock_pair(img, scale, pad, 'pillow', interpolation)
    transform = build(scale=scale, interpolation=interpolation)
    for top, left in offsets(60, 80, scale, pad):
        out = at_offset(transform, img, top, left)
        expected = pil[top:top + scale, left:left + scale]
        assert np.abs(out.astype(int) - expected).max() <= 1


@pytest.mark.parametrize('backend', ['torch', 'pillow', 'cv2'])
@pytest.mark.parametrize('shape', [(30, 41, 4), (30, 41, 2), (41, 30, 1)])
def test_channels_are_resized_alone(backend, shape):
    img = np.random.default_rng(3).integers(0, 256, shape, dtype=np.uint8)
    transform = build(scale=16, backend=backend, interpolation='bicubic')
    for top, left in [(0, 0), (5, 8), (8, 3)]:
        out = at_offset(transform, img, top, left)
        assert out.shape == (16, 16, shape[2]) and out.dtype == np.uint8
        for c in range(shape[2]):
            np.testing.assert_array_equal(
                out[..., c],
                at_offset(transform, np.ascontiguousarray(img[..., c]), top,
                          left))


@pytest.mark.parametrize('scale,pad', [(16, 4), (3, 2)])
def test_input_at_scale_gives_windows_of_reflect_padded_input(scale, pad):
    img = np.random.default_rng(1).integers(
        0, 256, (scale, scale, 3), dtype=np.uint8)
    padded = np.pad(img, ((pad, pad), (pad, pad), (0, 0)), mode='reflect')
    transform = build(scale=scale, padding=pad)
    corners = list(itertools.product(range(2 * pad + 1), repeat=2))
    seen = set()
    for seed in range(1500):
        out = run(transform, img, seed)['img']
        found = [(top, left) for top, left in corners
                 if np.array_equal(padded[top:top + scale,
                                          left:left + scale], out)]
        assert found, 'output is not a window of the padded input'
        seen.update(found)
    assert seen == set(corners)
    assert run(transform, img)['img_shape'] == (scale, scale)


@pytest.mark.parametrize('backend', ['torch', 'pillow', 'cv2'])
def test_downscaling_antialiases(backend):
    # A one-pixel checkerboard has only the highest frequency. Downscaled
    # 4x without antialiasing it aliases into strong patterns; with it, it
    # averages to flat grey.
    yy, xx = np.mgrid[0:256, 0:256]
    board = (((yy + xx) % 2) * 255).astype(np.uint8)[..., None].repeat(3, 2)
    out = run(build(scale=64, padding=0, backend=backend), board)['img']
    assert np.abs(out.astype(float) - 127.5).max() < 20


@pytest.mark.parametrize('backend', ['torch', 'pillow'])
def test_float_images_match_uint8_ones(backend):
    img = np.random.default_rng(3).integers(0, 256, (40, 50, 3), np.uint8)
    transform = build(scale=20, backend=backend)
    as_uint8 = at_offset(transform, img, 3, 7)
    as_float = at_offset(transform, img.astype(np.float32) / 255, 3, 7)
    assert as_float.dtype == np.float32
    np.testing.assert_allclose(as_float * 255, as_uint8, atol=1)


@pytest.mark.parametrize('kwargs,match', [
    (dict(scale=0), 'scale'),
    (dict(scale=224.0), 'scale'),
    (dict(scale=224, padding=-1), r'padding .*\[0, 224\)'),
    (dict(scale=4, padding=4), 'padding'),
    (dict(scale=224, interpolation='linear'), 'interpolation'),
    (dict(scale=224, backend='torchvision'), 'backend'),
])
def test_bad_arguments_fail_when_built(kwargs, match):
    with pytest.raises(ValueError, match=match):
        build(**kwargs)


def test_repr_names_every_argument():
    text = repr(build(scale=224))
    for part in ('scale=224', 'padding=4', 'interpolation=bilinear',
                 'backend=torch'):
        assert part in text


def test_negative_stride_images():
    # as from mmcv's pillow decoder (RGB -> BGR view) or a flip before it
    img = np.random.default_rng(4).integers(
        0, 256, (40, 50, 3), dtype=np.uint8)
    for view in (img[:, :, ::-1], img[:, ::-1]):
        expected = run(build(scale=20), np.ascontiguousarray(view))['img']
        assert np.array_equal(run(build(scale=20), view)['img'], expected)
