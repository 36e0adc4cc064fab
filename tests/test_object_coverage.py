"""Object coverage J of crops, with and without random patch masking: the
paper's per-image foreground and the per-instance option."""
import json
import runpy
import sys

import numpy as np
import pytest
from mmpretrain.registry import TRANSFORMS

import pixmim_plugin  # noqa: F401
from pixmim_plugin.analysis.coverage_report import (load_coco_foregrounds,
                                                    load_coco_objects,
                                                    load_mask_folder)
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


@pytest.mark.parametrize('scale', [16, (16, 32), (24, 8)])
def test_window_is_what_the_real_crop_shows(scale):
    """RandomResizedCrop's output (nearest) samples only pixels inside the
    window the same draw gives, and has the window's output size.
    (mmpretrain 1.2's RandomResizedCrop cannot be run under
    cache_random_params: its subclass EfficientNetRandomCrop registers
    rand_crop_params a second time in the shared list; so the draw is
    repeated by reseeding.)"""
    rrc = TRANSFORMS.build(
        dict(
            type='RandomResizedCrop',
            scale=scale,
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


@pytest.mark.parametrize('scale', [(10, 20), (20, 10)])
def test_non_square_scale_is_h_w(scale):
    """mmpretrain's ``scale`` is (h, w). The whole 20 x 40 image is cropped;
    the coverage of its right half, with only the last column of patches
    visible, is counted independently on the real transform's output
    (nearest), each output pixel standing for (20 / h) x (40 / w) pixels."""
    h, w, patch = 20, 40, 5
    rrc = TRANSFORMS.build(
        dict(
            type='RandomResizedCrop',
            scale=scale,
            crop_ratio_range=(1.0, 1.0),
            aspect_ratio_range=(w / h, w / h),
            interpolation='nearest'))
    win = crop_window([rrc], h, w)
    mask = blob(h, w, (0, 20, 20, 40))
    shown = rrc(dict(img=mask.astype(np.uint8)))['img'].astype(bool)
    assert (win.out_h, win.out_w) == shown.shape == scale
    visible = np.zeros((scale[0] // patch, scale[1] // patch), bool)
    visible[:, -1] = True
    in_visible = np.kron(visible, np.ones((patch, patch), bool))
    pixel = (h / scale[0]) * (w / scale[1])
    j, jm = coverage(mask, win, patch, visible)
    assert j == pytest.approx(shown.sum() * pixel / mask.sum())
    assert jm == pytest.approx((shown & in_visible).sum() * pixel / mask.sum())


def test_standard_error_counts_masks_not_draws():
    """Each mask's draws are averaged first; mean and standard error are
    over the masks (3 here), not over the 9 draws."""
    draws = {
        ('a', 1): [0.2, 0.4, 0.6],
        ('a', 2): [0.8, 0.8, 0.8],
        ('b', 1): [0.0, 0.3, 0.3]
    }
    rows = [
        dict(
            image_id=i, object_id=o, crop='rrc', sample=k, J=j, J_masked=j / 4)
        for (i, o), js in draws.items() for k, j in enumerate(js)
    ]
    (s, ) = summarise(rows)
    assert (s['unit'], s['units'], s['draws']) == ('object', 3, 3)
    # per-mask means 0.4, 0.8, 0.2: mean 1.4 / 3, sample std 0.3055050
    assert s['J'] == pytest.approx(1.4 / 3)
    assert s['J_sem'] == pytest.approx(0.3055050 / np.sqrt(3), rel=1e-6)
    assert s['J_masked_sem'] == pytest.approx(s['J_sem'] / 4)
    assert s['ratio'] == pytest.approx(0.25)


def rle(mask):
    """COCO's uncompressed RLE: column-major runs, zeros first."""
    counts, value, run = [], False, 0
    for v in mask.T.ravel():
        if v == value:
            run += 1
        else:
            counts.append(run)
            value, run = v, 1
    counts.append(run)
    return dict(size=list(mask.shape), counts=counts)


def test_per_image_foreground_weighs_each_image_once(tmp_path):
    """Two 8 x 16 images under a centre crop to 8 x 8 (window columns 4 to
    12): image 0 holds an object inside the window (32 px) and one outside
    (16 px), image 1 one object half inside. Per instance: (1 + 0 + 0.5) /
    3; per image (the union): (32 / 48 + 0.5) / 2."""
    objects = [(0, blob(8, 16,
                        (0, 4, 4, 12))), (0, blob(8, 16, (0, 4, 12, 16))),
               (1, blob(8, 16, (0, 8, 0, 8)))]
    content = dict(
        images=[
            dict(id=i, file_name=f'{i}.jpg', height=8, width=16)
            for i in (0, 1)
        ],
        annotations=[
            dict(id=k + 1, image_id=i, segmentation=rle(m), iscrowd=0)
            for k, (i, m) in enumerate(objects)
        ])
    ann = tmp_path / 'instances.json'
    ann.write_text(json.dumps(content))
    cc = {
        'cc':
        build(
            dict(type='ResizeEdge', scale=8, edge='short'),
            dict(type='CenterCrop', crop_size=8))
    }
    per_image = summarise(
        measure(
            load_coco_foregrounds(str(ann)), cc, 4, 0.0, 2, progress=False))
    per_object = summarise(
        measure(load_coco_objects(str(ann)), cc, 4, 0.0, 2, progress=False))
    assert per_image[0]['unit'] == 'image' and per_image[0]['units'] == 2
    assert per_image[0]['J'] == pytest.approx((32 / 48 + 0.5) / 2)
    assert per_object[0]['units'] == 3
    assert per_object[0]['J'] == pytest.approx(0.5)


def test_mask_folder_png_and_pssl(tmp_path):
    """PNG: nonzero is foreground; PSSL's npz: ``arr_0 == 1`` is (its other
    values are background, as PaddleSeg's PSSLDataset reads them); empty
    masks are left out."""
    from PIL import Image
    folder = tmp_path / 'masks' / 'n01'
    folder.mkdir(parents=True)
    png = np.zeros((8, 16), np.uint8)
    png[:, :4] = 255
    Image.fromarray(png).save(folder / 'a.png')
    pssl = np.zeros((8, 16), np.int64)
    pssl[:4] = 1
    pssl[4:, :2] = 2
    np.savez(folder / 'b.JPEG_eiseg.npz', pssl)
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(folder / 'empty.png')
    masks = list(load_mask_folder(str(tmp_path / 'masks')))
    assert [(m[0], m[1]) for m in masks] == [('n01/a', 'foreground'),
                                             ('n01/b.JPEG', 'foreground')]
    np.testing.assert_array_equal(masks[0][2], png > 0)
    np.testing.assert_array_equal(masks[1][2], pssl == 1)
    with pytest.raises(FileNotFoundError, match='no mask files'):
        load_mask_folder(str(tmp_path / 'none')).__next__()


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


@pytest.mark.parametrize('per_instance', [False, True])
def test_tool_on_a_tiny_coco_set(per_instance, tmp_path, monkeypatch):
    content = write_coco(str(tmp_path), 'val', 2)
    ann = str(tmp_path / 'annotations' / 'instances_val.json')
    objects = load_coco_objects(ann, str(tmp_path / 'images' / 'val'))
    assert len(objects) == len(content['annotations'])
    for (_, ann_id, mask), record in zip(objects, content['annotations']):
        assert ann_id == record['id'] and mask.sum() == record['area']
    images = {a['image_id'] for a in content['annotations']}
    out = tmp_path / 'out'
    monkeypatch.setattr(sys, 'argv', [
        'object_coverage.py', '--ann', ann, '--img-root',
        str(tmp_path / 'images' / 'val'), '--samples', '2', '--out',
        str(out)
    ] + ['--per-instance'] * per_instance)
    runpy.run_path('tools/analysis/object_coverage.py', run_name='__main__')
    lines = (out / 'coverage.csv').read_text().splitlines()
    units = len(objects) if per_instance else len(images)
    assert len(lines) == 1 + 3 * 2 * units
    assert (out / 'coverage.png').stat().st_size > 0
    summary = (out / 'coverage_summary.csv').read_text().splitlines()
    assert len(summary) == 4
    assert all(f',{units},2,' in line for line in summary[1:])


def test_tool_on_a_mask_folder(tmp_path, monkeypatch):
    from PIL import Image
    for i in range(3):
        mask = np.zeros((24, 32), np.uint8)
        mask[4:20, 4 + i:20 + i] = 1
        Image.fromarray(mask).save(tmp_path / f'{i}.png')
    out = tmp_path / 'out'
    monkeypatch.setattr(sys, 'argv', [
        'object_coverage.py', '--masks',
        str(tmp_path), '--crops', 'rrc', '--samples', '2', '--out',
        str(out)
    ])
    runpy.run_path('tools/analysis/object_coverage.py', run_name='__main__')
    summary = (out / 'coverage_summary.csv').read_text().splitlines()
    assert summary[1].startswith('rrc,image,3,2,')
