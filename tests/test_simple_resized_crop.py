import numpy as np
import pytest
from mmpretrain.registry import TRANSFORMS
from PIL import Image

import pixmim_plugin  # noqa: F401


def build(**kwargs):
    return TRANSFORMS.build(dict(type='SimpleResizedCrop', **kwargs))


def run(transform, img, seed=0):
    np.random.seed(seed)
    return transform(dict(img=img.copy()))


@pytest.mark.parametrize('shape', [(375, 500, 3), (500, 375, 3), (224, 224, 3),
                                   (1, 1, 3), (3, 7, 3), (600, 40, 3),
                                   (2000, 3000, 3), (300, 400), (300, 400, 4),
                                   (300, 400, 2)])
@pytest.mark.parametrize('backend', ['torch', 'pillow', 'cv2'])
def test_output_size(shape, backend):
    img = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    results = run(build(scale=56, backend=backend), img)
    assert results['img'].shape == (56, 56) + shape[2:]
    assert results['img'].dtype == np.uint8
    assert results['img_shape'] == (56, 56)


@pytest.mark.parametrize('scale,pad', [(16, 4), (3, 2)])
def test_input_at_scale_gives_windows_of_reflect_padded_input(scale, pad):
    img = np.random.default_rng(1).integers(
        0, 256, (scale, scale, 3), dtype=np.uint8)
    padded = np.pad(img, ((pad, pad), (pad, pad), (0, 0)), mode='reflect')
    transform = build(scale=scale, padding=pad)
    corners = [(top, left) for top in range(2 * pad + 1)
               for left in range(2 * pad + 1)]
    offsets = set()
    for seed in range(1500):
        out = run(transform, img, seed)['img']
        found = [(top, left) for top, left in corners
                 if np.array_equal(padded[top:top + scale,
                                          left:left + scale], out)]
        assert found, 'output is not a window of the padded input'
        offsets.update(found)
    assert offsets == set(corners)


@pytest.mark.parametrize('backend', ['torch', 'pillow'])
@pytest.mark.parametrize('interpolation', ['bilinear', 'bicubic', 'nearest'])
def test_equals_full_resize_pad_and_crop(interpolation, backend):
    # Reference: PIL resizes the whole image (torchvision's Resize(224)),
    # numpy reflect-pads it, the window is cut at the drawn offset.
    img = np.random.default_rng(2).integers(
        0, 256, (150, 200, 3), dtype=np.uint8)
    scale, pad = 60, 4
    resample = {
        'bilinear': Image.BILINEAR,
        'bicubic': Image.BICUBIC,
        'nearest': Image.NEAREST
    }[interpolation]
    full = np.asarray(Image.fromarray(img).resize((80, 60), resample))
    padded = np.pad(full, ((pad, pad), (pad, pad), (0, 0)), mode='reflect')
    transform = build(
        scale=scale, interpolation=interpolation, backend=backend)
    for seed in range(30):
        np.random.seed(seed)
        top = np.random.randint(0, 60 + 2 * pad - scale + 1)
        left = np.random.randint(0, 80 + 2 * pad - scale + 1)
        out = run(transform, img, seed)['img']
        expected = padded[top:top + scale, left:left + scale]
        assert np.abs(out.astype(int) - expected).max() <= 1


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
def test_float_images_keep_dtype(backend):
    img = np.random.default_rng(3).random((40, 50, 3)).astype(np.float32)
    out = run(build(scale=20, backend=backend), img)['img']
    assert out.dtype == np.float32 and out.shape == (20, 20, 3)
    assert 0 <= out.min() and out.max() <= 1


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
