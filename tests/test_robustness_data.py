"""Robustness datasets on fixture trees; demo corruptions and cue-conflict
stimuli."""
import os

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmpretrain.registry import DATASETS
from PIL import Image

from pixmim_plugin.datasets import CueConflict, ImageNetC, ImageNetSubset
from pixmim_plugin.datasets.wnids import IMAGENET_A_WNIDS, IMAGENET_WNIDS
from pixmim_plugin.demo.corruptions import CORRUPTIONS, corrupt
from pixmim_plugin.demo.robustness_sets import (GROUND, render_textured_shape,
                                                write_cue_conflict)
from pixmim_plugin.demo.shapes import CLASSES, render_image
from pixmim_plugin.evaluation.metrics import shape_bias

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def touch_tree(root, folders, files=('a.JPEG', )):
    for folder in folders:
        os.makedirs(os.path.join(root, folder), exist_ok=True)
        for file in files:
            open(os.path.join(root, folder, file), 'w').close()


def test_imagenet_c_both_layouts(tmp_path):
    classes = ('b', 'a', 'c')  # label order, not sorted
    for c in CORRUPTIONS:
        group = 'weather/' if c in ('snow', 'fog') else ''
        for s in (1, 2):
            touch_tree(tmp_path / f'{group}{c}' / str(s), classes)
    dataset = ImageNetC(
        str(tmp_path),
        severities=(1, 2),
        class_folders=classes,
        metainfo=dict(classes=classes))
    assert len(dataset) == 15 * 2 * 3
    info = [dataset.get_data_info(i) for i in range(len(dataset))]
    assert {(d['corruption'], d['severity'])
            for d in info} == {(c, s)
                               for c in CORRUPTIONS
                               for s in (1, 2)}
    for d in info:
        folder = os.path.basename(os.path.dirname(d['img_path']))
        assert classes.index(folder) == d['gt_label']
        assert f"/{d['corruption']}/{d['severity']}/" in d['img_path']


def test_imagenet_c_bad_trees(tmp_path):
    classes = ('a', 'b')
    for c in CORRUPTIONS:
        if c != 'frost':
            touch_tree(tmp_path / c / '1', classes)
    kwargs = dict(
        severities=(1, ),
        class_folders=classes,
        metainfo=dict(classes=classes))
    with pytest.raises(FileNotFoundError, match=f'{tmp_path}/frost'):
        ImageNetC(str(tmp_path), **kwargs)
    touch_tree(tmp_path / 'frost' / '1', ('a', ))
    with pytest.raises(
            ValueError,
            match=f'{tmp_path}/frost/1 has 1 class folders, '
            'expected 2'):
        ImageNetC(str(tmp_path), **kwargs)
    with pytest.raises(ValueError, match='severities must be in 1..5'):
        ImageNetC(str(tmp_path), severities=(0, ))


def test_imagenet_c_config_reads_wnid_folders(tmp_path):
    """The benchmark config's dataset on a one-folder tree of 1000 wnids;
    999 folders are refused with the count."""
    cfg = Config.fromfile(
        os.path.join(
            ROOT,
            'configs/robustness/vit-base-p16_8xb128-coslr-100e_imagenet-c.py'))
    touch_tree(tmp_path / 'noise' / 'gaussian_noise' / '3', IMAGENET_WNIDS)
    dataset_cfg = dict(
        cfg.test_dataloader.dataset,
        data_root=str(tmp_path),
        corruptions=('gaussian_noise', ),
        severities=(3, ))
    dataset = DATASETS.build(dataset_cfg)
    assert len(dataset) == 1000 and dataset.get_data_info(999)['gt_label'] \
        == 999 and len(dataset.metainfo['classes']) == 1000
    os.remove(tmp_path / 'noise/gaussian_noise/3' / IMAGENET_WNIDS[5] /
              'a.JPEG')
    os.rmdir(tmp_path / 'noise/gaussian_noise/3' / IMAGENET_WNIDS[5])
    with pytest.raises(
            ValueError, match='has 999 class folders, expected '
            '1000'):
        DATASETS.build(dataset_cfg)


def test_imagenet_subset_labels(tmp_path):
    touch_tree(tmp_path, IMAGENET_A_WNIDS)
    dataset = ImageNetSubset(str(tmp_path), subset='imagenet-a')
    assert len(dataset) == 200
    indices = dataset.metainfo['imagenet_indices']
    for i in (0, 100, 199):
        info = dataset.get_data_info(i)
        wnid = os.path.basename(os.path.dirname(info['img_path']))
        assert IMAGENET_WNIDS.index(wnid) == indices[info['gt_label']]
    os.makedirs(tmp_path / 'n99999999')
    with pytest.raises(ValueError, match='201 class folders, expected 200'):
        ImageNetSubset(str(tmp_path), subset='imagenet-a')


def test_cue_conflict_drops_same(tmp_path):
    classes = ('cat', 'dog')
    names = {
        'cat': ['cat1-dog1.png', 'cat2-cat2.png', 'cat3-dog2.png'],
        'dog': ['dog1-cat1.png', 'dog2-dog1.png']
    }
    for folder, files in names.items():
        touch_tree(tmp_path, [folder], files)
    dataset = CueConflict(str(tmp_path), metainfo=dict(classes=classes))
    assert [(d['shape'], d['texture'], d['gt_label'])
            for d in dataset.load_data_list()] == [('cat', 'dog', 0),
                                                   ('cat', 'dog', 0),
                                                   ('dog', 'cat', 1)]
    assert len(
        CueConflict(
            str(tmp_path), drop_same=False,
            metainfo=dict(classes=classes))) == 5


@pytest.fixture(scope='module')
def demo_images():
    """3 demo images per class, 64 x 64, with labels."""
    pairs = [(render_image(100 * k + i, k, (64, 64))[0], k)
             for k in range(len(CLASSES)) for i in range(3)]
    return [p[0] for p in pairs], np.array([p[1] for p in pairs])


@pytest.mark.parametrize('corruption', CORRUPTIONS)
def test_demo_corruption_changes_image(corruption, demo_images):
    img = demo_images[0][4]
    for severity in range(1, 6):
        out = corrupt(img, corruption, severity, np.random.default_rng(0))
        assert out.shape == img.shape and out.dtype == np.uint8
        assert np.abs(out.astype(int) - img).mean() > 0.5
    with pytest.raises(ValueError, match='severity must be in 1..5'):
        corrupt(img, corruption, 6, np.random.default_rng(0))


def test_demo_severities_are_ordered(demo_images):
    """A fixed model (1-nearest-neighbour on 16 x 16 thumbnails of the clean
    images) errs more often as the severity grows, on average over the 15
    corruptions."""
    imgs, labels = demo_images

    def thumb(img):
        return cv2.resize(
            img, (16, 16),
            interpolation=cv2.INTER_AREA).astype(np.float32).ravel()

    gallery = np.stack([thumb(img) for img in imgs])
    errors = np.zeros((len(CORRUPTIONS), 5))
    for c, corruption in enumerate(CORRUPTIONS):
        for s in range(1, 6):
            probe = np.stack([
                thumb(corrupt(img, corruption, s, np.random.default_rng(j)))
                for j, img in enumerate(imgs)
            ])
            nearest = ((probe[:, None] - gallery[None])**2).sum(-1).argmin(1)
            errors[c, s - 1] = (labels[nearest] != labels).mean()
    mean = errors.mean(0)
    assert np.all(np.diff(mean) >= 0) and mean[-1] > mean[0], mean


def test_demo_cue_conflict_separates_shape_and_texture(tmp_path):
    """Stimuli carry both cues separably: a texture model (nearest mean
    colour of the object) gets a shape bias near 0, a shape model (nearest
    Hu moments of the object's silhouette) one near 1."""
    n = len(CLASSES)

    def colour(img):
        fg = np.abs(img.astype(int) - round(GROUND * 255)).max(-1) > 8
        return img[fg].mean(0)

    def hu(img):
        fg = np.abs(img.astype(int) - round(GROUND * 255)).max(-1) > 8
        m = cv2.HuMoments(cv2.moments(fg.astype(np.uint8), True)).ravel()
        return -np.sign(m) * np.log10(np.abs(m) + 1e-30)

    rng = np.random.default_rng(0)
    train = [(k, int(rng.integers(n)), 50 * k + i) for k in range(n)
             for i in range(4)]
    texture_centroids = np.stack([
        np.mean([
            colour(render_textured_shape(s, o, k))
            for k2, o, s in train if k2 == k
        ], 0) for k in range(n)
    ])
    shape_centroids = np.stack([
        np.mean([
            hu(render_textured_shape(s, k, o))[:3]
            for k2, o, s in train if k2 == k
        ], 0) for k in range(n)
    ])
    write_cue_conflict(str(tmp_path), per_pair=1)
    dataset = CueConflict(str(tmp_path), metainfo=dict(classes=CLASSES))
    decisions = {'texture': [], 'shape': []}
    for info in dataset.load_data_list():
        img = np.asarray(Image.open(info['img_path']).convert('RGB'))
        t = np.linalg.norm(texture_centroids - colour(img), axis=1).argmin()
        s = np.linalg.norm(shape_centroids - hu(img)[:3], axis=1).argmin()
        for model, k in (('texture', t), ('shape', s)):
            decisions[model].append(
                (info['shape'], info['texture'], CLASSES[k]))
    assert len(dataset) == n * (n - 1)
    assert shape_bias(decisions['texture'])['shape_bias'] < 0.1
    assert shape_bias(decisions['shape'])['shape_bias'] > 0.7


@pytest.mark.parametrize('benchmark,count', [('imagenet-a', 200),
                                             ('imagenet-r', 200),
                                             ('imagenet-sketch', 1000),
                                             ('cue-conflict', 16 * 4)])
def test_benchmark_configs_read_their_layout(benchmark, count, tmp_path):
    """Each config's test dataset on a tree of its documented layout: every
    class folder found, labels in ImageNet's (or the categories') order."""
    from pixmim_plugin.datasets.cue_conflict import CUE_CONFLICT_CATEGORIES
    from pixmim_plugin.datasets.wnids import IMAGENET_R_WNIDS
    cfg = Config.fromfile(
        os.path.join(
            ROOT, 'configs/robustness/vit-base-p16_8xb128-coslr-100e_'
            f'{benchmark}.py'))
    if benchmark == 'cue-conflict':
        for c in CUE_CONFLICT_CATEGORIES:  # 5 stimuli, one shape == texture
            touch_tree(tmp_path, [c], [
                f'{c}{i}-{t}1.png'
                for i, t in enumerate((c, 'bear', 'cat', 'dog', 'knife'), 1)
            ])
        # bear, cat, dog, knife have 3 conflicting stimuli, the others 4
        count = 16 * 4 - 4
    else:
        wnids = {
            'imagenet-a': IMAGENET_A_WNIDS,
            'imagenet-r': IMAGENET_R_WNIDS,
            'imagenet-sketch': IMAGENET_WNIDS
        }[benchmark]
        root = tmp_path / 'sketch' if benchmark == 'imagenet-sketch' \
            else tmp_path
        touch_tree(root, wnids)
    dataset = DATASETS.build(
        dict(cfg.test_dataloader.dataset, data_root=str(tmp_path)))
    assert len(dataset) == count
    last = dataset.get_data_info(len(dataset) - 1)
    assert last['gt_label'] == len(dataset.metainfo['classes']) - 1
