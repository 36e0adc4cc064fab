"""Object coverage J of crops, with and without random patch masking."""
import runpy
import sys

import numpy as np
import pytest
from mmpretrain.registry import TRANSFORMS

import pixmim_plugin  # noqa: F401
from pixmim_plugin.analysis.coverage_report import load_coco_objects
from pixmim_plugin.analysis.object_coverage import (Window, coverage,
                                                    crop_window, measure,
                                                    random_patch_mask,
                                                    summarise)
from pixmim_plugin.demo.shapes import write_coco


def build(*cfgs):
    return [TRANSFORMS.build(c) for c in cfgs]


FULL_CROPS = {
    'rrc':
    build(
        dict(
            type='RandomResizedCrop',
            scale=32,
            crop_ratio_range=(1.0, 1.0),
            aspect_ratio_range=(1.0, 1.0))),
    'src':
    build(dict(type='SimpleResizedCrop', scale=32, padding=0)),
    'cc':
    build(
        dict(type='ResizeEdge', scale=32, edge='short'),
        dict(type='CenterCrop', crop_size=32)),
}


def blob(h=32, w=32, box=(5, 20, 3, 27)):
    mask = np.zeros((h, w), bool)
    mask[box[0]:box[1], box[2]:box[3]] = True
    return mask


@pytest.mark.parametrize('kind', sorted(FULL_CROPS))
def test_full_image_crop_keeps_the_whole_object(kind):
    mask = blob()
    win = crop_window(FULL_CROPS[kind], 32, 32)
    assert win == Window(0, 32, 0, 32, 32, 32)
    assert coverage(mask, win, 8) == (1.0, 1.0)


def test_masked_coverage_is_the_objects_share_in_visible_patches(rng):
    mask = blob()
    win = crop_window(FULL_CROPS['src'], 32, 32)
    visible = random_patch_mask((4, 4), 0.75, rng)
    assert visible.sum() == 4  # int(16 * 0.25) patches kept
    j, jm = coverage(mask, win, 8, visible)
    # object pixels per 8 x 8 patch, counted with numpy
    per_patch = mask.reshape(4, 8, 4, 8).sum((1, 3))
    assert j == 1.0
    assert jm == pytest.approx(per_patch[visible].sum() / mask.sum())


def test_reflect_padding_is_not_counted(monkeypatch):
    """A window at offset (0, 0) of SRC's padded image starts 4 px before
    the image: its first 4 rows and columns are reflections of rows and
    columns 1-4, which the window also holds."""
    src = build(dict(type='SimpleResizedCrop', scale=32, padding=4))
    monkeypatch.setattr(src[0], 'rand_offset', lambda h, w: (0, 0))
    win = crop_window(src, 32, 32)
    assert win == Window(-4, 28, -4, 28, 32, 32)
    # the real transform shows that window: output row r is row |r - 4|
    rows = np.repeat(np.arange(32, dtype=np.float32)[:, None], 32, 1)
    out = src[0](dict(img=rows))['img']
    np.testing.assert_array_equal(out[:, 0], np.abs(np.arange(32) - 4))
    # an object in rows 0-4 appears twice in the output, counts once
    assert coverage(blob(box=(0, 5, 0, 20)), win, 8)[0] == 1.0
    # one in the last 4 rows and columns, cut off, counts 0, not its
    # reflection
    assert coverage(blob(box=(28, 32, 28, 32)), win, 8)[0] == 0.0
    # straddling: 6 of 10 rows inside
    assert coverage(blob(box=(22, 32, 0, 10)), win, 8)[0] == 0.6


def test_window_is_what_the_real_crop_shows():
    """RandomResizedCrop's output (nearest) samples only pixels inside the
    window the same draw gives. (mmpretrain 1.2's RandomResizedCrop cannot
    be run under cache_random_params: its subclass EfficientNetRandomCrop
    registers rand_crop_params a second time in the shared list; so the
    draw is repeated by reseeding.)"""
    rrc = TRANSFORMS.build(
        dict(
            type='RandomResizedCrop',
            scale=16,
            crop_ratio_range=(0.2, 1.0),
            interpolation='nearest'))
    h, w = 40, 60
    index = np.arange(h * w, dtype=np.float32).reshape(h, w)
    for seed in range(10):
        np.random.seed(seed)
        win = crop_window([rrc], h, w)
        np.random.seed(seed)
        out = rrc(dict(img=index.copy()))['img']
        ys, xs = np.divmod(out.astype(int), w)
        assert ys.min() >= win.y0 and ys.max() < win.y1
        assert xs.min() >= win.x0 and xs.max() < win.x1
        assert out.shape == (win.out_h, win.out_w)


def test_masking_keeps_a_quarter_in_expectation():
    """E[J(M o A)] = 0.25 E[J(A)], within sampling error."""
    crops = {
        'rrc':
        build(
            dict(
                type='RandomResizedCrop',
                scale=32,
                crop_ratio_range=(0.2, 1.0)))
    }
    objects = [(0, 1, blob(48, 64, (10, 30, 5, 25))),
               (0, 2, blob(48, 64, (30, 48, 40, 64)))]
    rows = measure(objects, crops, 8, 0.75, samples=300, progress=False)
    j = np.array([r['J'] for r in rows])
    jm = np.array([r['J_masked'] for r in rows])
    (summary, ) = summarise(rows)
    assert summary['J'] == pytest.approx(j.mean())
    # the masked share per crop is 0.25 J on average: the differences
    # jm - 0.25 j have mean 0
    diff = jm - 0.25 * j
    assert abs(diff.mean()) < 4 * diff.std(ddof=1) / np.sqrt(len(diff))
    assert 0.2 < j.mean() < 1 and summary['ratio'] == pytest.approx(
        jm.mean() / j.mean())


def test_bad_inputs():
    with pytest.raises(ValueError, match='mask ratio'):
        random_patch_mask((2, 2), 1.0, np.random.default_rng(0))
    with pytest.raises(TypeError, match='steps'):
        crop_window(build(dict(type='RandomFlip', prob=0.5)), 8, 8)
    with pytest.raises(ValueError, match='samples'):
        measure([], FULL_CROPS, 8, samples=0)
    assert np.isnan(
        coverage(np.zeros((4, 4), bool), Window(0, 4, 0, 4, 4, 4), 2)[0])


def test_tool_on_a_tiny_coco_set(tmp_path, monkeypatch):
    content = write_coco(str(tmp_path), 'val', 2)
    ann = str(tmp_path / 'annotations' / 'instances_val.json')
    objects = load_coco_objects(ann, str(tmp_path / 'images' / 'val'))
    assert len(objects) == len(content['annotations'])
    for (_, ann_id, mask), record in zip(objects, content['annotations']):
        assert ann_id == record['id'] and mask.sum() == record['area']
    out = tmp_path / 'out'
    monkeypatch.setattr(sys, 'argv', [
        'object_coverage.py', '--ann', ann, '--img-root',
        str(tmp_path / 'images' / 'val'), '--samples', '2', '--out',
        str(out)
    ])
    runpy.run_path('tools/analysis/object_coverage.py', run_name='__main__')
    lines = (out / 'coverage.csv').read_text().splitlines()
    assert len(lines) == 1 + 3 * 2 * len(objects)
    assert (out / 'coverage.png').stat().st_size > 0
    assert (out / 'coverage_summary.csv').read_text().count('\n') == 4
