"""The PixMIM config's training pipeline, from the file to the packed
tensor, against a reference written with PIL and numpy."""
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.dataset import Compose
from PIL import Image

import pixmim_plugin  # noqa: F401

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SCALE, PAD = 224, 4


def pixmim_pipeline() -> Compose:
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'pixmim_mae_vit-b.py'))
    return Compose(cfg.train_dataloader.dataset.pipeline)


@pytest.fixture
def image_file(tmp_path, rng):
    """A lossless RGB file and the BGR array mmcv decodes from it."""
    rgb = rng.integers(0, 256, (230, 263, 3), dtype=np.uint8)
    path = str(tmp_path / 'img.png')
    Image.fromarray(rgb).save(path)
    return path, rgb[..., ::-1]


def resized_and_padded(bgr: np.ndarray) -> np.ndarray:
    """Shorter edge to 224 as torchvision's ``Resize(224)`` sizes it, with
    the antialiased bilinear filter of the config's 'torch' backend, then
    4 pixels of reflect padding on every side."""
    h, w = bgr.shape[:2]
    size = (SCALE, SCALE * w // h) if h <= w else (SCALE * h // w, SCALE)
    chw = torch.from_numpy(bgr.copy()).permute(2, 0, 1)[None]
    resized = F.interpolate(
        chw, size=size, mode='bilinear', antialias=True,
        align_corners=False)[0].permute(1, 2, 0).numpy()
    return np.pad(resized, ((PAD, PAD), (PAD, PAD), (0, 0)), mode='reflect')


def packed_bgr(packed: dict) -> np.ndarray:
    return packed['inputs'].permute(1, 2, 0).numpy()


@pytest.mark.parametrize('top,left,flip', [(0, 0, False), (8, 40, True),
                                           (3, 17, True), (8, 0, False)])
def test_packs_the_window_of_the_padded_resized_image(image_file, top, left,
                                                      flip):
    path, bgr = image_file
    pipeline = pixmim_pipeline()
    steps = {type(t).__name__: t for t in pipeline.transforms}
    crop, flipper = steps['SimpleResizedCrop'], steps['RandomFlip']
    crop.rand_offset = lambda h, w: (top, left)
    flipper._choose_direction = lambda: 'horizontal' if flip else None
    out = packed_bgr(pipeline(dict(img_path=path)))
    expected = resized_and_padded(bgr)[top:top + SCALE, left:left + SCALE]
    if flip:
        expected = expected[:, ::-1]
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, expected)


def test_every_draw_keeps_the_whole_shorter_side(image_file):
    # Unlike RandomResizedCrop, nothing is zoomed: whatever is drawn, the
    # output is one of the windows of the padded resized image (which spans
    # the whole shorter side), possibly flipped; both flips come up.
    path, bgr = image_file
    padded = resized_and_padded(bgr)
    windows = {}
    for top in range(padded.shape[0] - SCALE + 1):
        for left in range(padded.shape[1] - SCALE + 1):
            window = padded[top:top + SCALE, left:left + SCALE]
            windows[hash(window.tobytes())] = (top, left, False)
            windows[hash(window[:, ::-1].tobytes())] = (top, left, True)
    pipeline = pixmim_pipeline()
    drawn = []
    for seed in range(12):
        np.random.seed(seed)
        out = packed_bgr(pipeline(dict(img_path=path)))
        key = hash(out.tobytes())
        assert key in windows, f'seed {seed}: not a window'
        drawn.append(windows[key])
    assert {flip for _, _, flip in drawn} == {False, True}
    assert len({(top, left) for top, left, _ in drawn}) > 6
