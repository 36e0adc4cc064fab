import json
import os.path as osp

import numpy as np
import pytest
from PIL import Image

from pixmim_plugin.demo import shapes


def decode_rle(rle):
    h, w = rle['size']
    flat = np.zeros(h * w, bool)
    pos, value = 0, False
    for count in rle['counts']:
        flat[pos:pos + count] = value
        pos, value = pos + count, not value
    return flat.reshape((h, w), order='F')


def test_render_is_deterministic_and_consistent():
    a, obj_a = shapes.render_image(7, 3)
    b, obj_b = shapes.render_image(7, 3)
    assert np.array_equal(a, b) and np.array_equal(obj_a['mask'],
                                                   obj_b['mask'])
    ys, xs = np.nonzero(obj_a['mask'])
    assert obj_a['bbox'] == [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]
    assert a.shape[:2] in shapes.SIZES


@pytest.mark.parametrize('label', range(len(shapes.CLASSES)))
def test_mask_is_where_the_object_is_drawn(label):
    # The same seed without objects draws the same background: the image
    # keeps it exactly outside the mask and shows another texture inside.
    img, obj = shapes.render_image(11, label)
    background, objects = shapes.render_scene(11, [])
    assert objects == []
    mask = obj['mask']
    assert 0.05 < mask.mean() < 0.6
    np.testing.assert_array_equal(img[~mask], background[~mask])
    changed = (img[mask] != background[mask]).any(-1)
    assert changed.mean() > 0.99


def test_rle_round_trip():
    _, obj = shapes.render_image(3, 6)
    rle = shapes.mask_to_rle(obj['mask'])
    assert sum(rle['counts']) == obj['mask'].size
    assert np.array_equal(decode_rle(rle), obj['mask'])


def test_imagenet_layout(tmp_path):
    root = str(tmp_path)
    shapes.write_imagenet_layout(root, 'val', per_class=2)
    lines = open(osp.join(root, 'meta', 'val.txt')).read().split('\n')
    lines = [line for line in lines if line]
    assert len(lines) == 2 * len(shapes.CLASSES)
    for line in lines:  # each file under its class's folder
        file, label = line.rsplit(' ', 1)
        assert osp.isfile(osp.join(root, 'val', file))
        assert file.split('/')[0] == shapes.CLASSES[int(label)]
    objects = json.load(open(osp.join(root, 'meta', 'val_objects.json')))
    record = objects['images'][5]
    img = Image.open(osp.join(root, 'val', record['file']))
    assert img.size == (record['width'], record['height'])
    mask = decode_rle(record['segmentation'])
    assert mask.shape == (record['height'], record['width'])
    ys, xs = np.nonzero(mask)
    assert record['bbox'] == [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]
    assert objects['classes'] == list(shapes.CLASSES)


def test_textures_do_not_reveal_the_class():
    # The mean colour of an image carries no class information: per-class
    # means of the average colour stay close to the overall mean.
    colours = np.array([[
        shapes.render_image(1000 * c + i, c)[0].mean((0, 1)) for i in range(40)
    ] for c in range(len(shapes.CLASSES))])  # (classes, 40, 3)
    spread = np.abs(colours.mean(1) - colours.mean((0, 1))).max()
    assert spread < 25  # on a 0-255 scale; within-class std is about 40


def test_coco_set_reads_back_with_pycocotools(tmp_path):
    COCO = pytest.importorskip(
        'pycocotools.coco',
        reason='needs pycocotools (with mmdet): make install-full').COCO
    content = shapes.write_coco(str(tmp_path), 'val2017', num_images=6)
    coco = COCO(str(tmp_path / 'annotations' / 'instances_val2017.json'))
    assert [c['name']
            for c in coco.loadCats(coco.getCatIds())] == list(shapes.CLASSES)
    assert len(content['annotations']) >= 6
    for image in coco.loadImgs(coco.getImgIds()):
        img, objects = shapes._scene(0, 'val2017', image['id'], 3)
        assert Image.open(tmp_path / 'images' / 'val2017' /
                          image['file_name']).size == (image['width'],
                                                       image['height'])
        visible = [o for o in objects if o['mask'].sum() >= 16]
        anns = coco.loadAnns(coco.getAnnIds(imgIds=image['id']))
        assert len(anns) == len(visible)
        for ann, obj in zip(anns, visible):
            assert np.array_equal(
                coco.annToMask(ann).astype(bool), obj['mask'])
            x0, y0, x1, y1 = obj['bbox']
            assert ann['bbox'] == [x0, y0, x1 - x0, y1 - y0]
            assert ann['category_id'] == obj['label'] + 1


def test_ade_set_label_maps(tmp_path):
    files = shapes.write_ade(str(tmp_path), 'validation', num_images=4)
    for i, file in enumerate(files):
        labels = np.asarray(
            Image.open(tmp_path / 'annotations' / 'validation' /
                       file.replace('.jpg', '.png')))
        _, objects = shapes._scene(0, 'validation', i, 3)
        expected = np.zeros(labels.shape, np.uint8)
        for obj in objects:
            expected[obj['mask']] = obj['label'] + 1
        assert np.array_equal(labels, expected)
        assert labels.max() <= len(shapes.CLASSES)


def test_scene_occlusion_keeps_masks_disjoint():
    _, objects = shapes.render_scene(5, [0, 2, 4, 6], scale=(0.3, 0.4))
    total = sum(o['mask'].astype(int) for o in objects)
    assert total.max() == 1  # every pixel belongs to at most one object
