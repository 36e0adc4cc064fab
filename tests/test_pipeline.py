import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope
from PIL import Image

import pixmim_plugin  # noqa: F401

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def pixmim_pipeline():
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', 'pixmim',
                 'pixmim_vit-base-p16_8xb512-amp-coslr-800e_in1k.py'))
    init_default_scope('mmpretrain')
    return Compose(cfg.train_dataloader.dataset.pipeline)


def test_pixmim_pipeline_packs_a_224_crop(tmp_path):
    path = str(tmp_path / 'img.JPEG')
    Image.fromarray(
        np.random.default_rng(0).integers(
            0, 256, (375, 500, 3), dtype=np.uint8)).save(path)
    packed = pixmim_pipeline()(dict(img_path=path))
    assert tuple(packed['inputs'].shape) == (3, 224, 224)


def test_unreadable_image_names_the_file(tmp_path):
    path = str(tmp_path / 'broken.JPEG')
    with open(path, 'wb') as f:
        f.write(b'not an image')
    with pytest.raises(Exception, match='broken.JPEG'):
        pixmim_pipeline()(dict(img_path=path))
