"""The object crops of the shapes set (`shapes-objects`): the square around
each object's box, and the classification set written from them."""
import json
import os.path as osp

import numpy as np
from PIL import Image

from pixmim_plugin.demo import shapes
from pixmim_plugin.demo.object_crops import crop_object, write_object_crops


def box_image(h, w, box):
    img = np.zeros((h, w, 3), np.uint8)
    x0, y0, x1, y1 = box
    img[y0:y1, x0:x1] = 255
    return img


def test_square_centred_on_the_box_with_its_margin():
    # a 10 x 6 box, margin 0.5: a 20 px square (10 * (1 + 2 * 0.5)) around
    # the box's centre, kept at 20 px so no resampling blurs it
    img = box_image(64, 64, (20, 30, 30, 36))
    crop = crop_object(img, (20, 30, 30, 36), size=20, margin=0.5)
    expected = np.zeros((20, 20, 3), np.uint8)
    expected[7:13, 5:15] = 255  # rows 23-43 and columns 15-35 of the image
    np.testing.assert_array_equal(crop, expected)


def test_square_past_the_border_repeats_the_edge():
    img = np.zeros((32, 32, 3), np.uint8)
    img[:, 0] = 200  # the left column
    img[0, :] = 100  # the top row, its corner too
    crop = crop_object(img, (0, 0, 4, 4), size=8, margin=0.5)
    # 8 px square from (-2, -2): rows and columns before 0 repeat row /
    # column 0
    np.testing.assert_array_equal(crop[:3, :, 0], 100)
    np.testing.assert_array_equal(crop[3:, :3, 0], 200)
    np.testing.assert_array_equal(crop[3:, 3:, 0], 0)


def test_written_set_is_the_objects_with_their_labels(tmp_path):
    src, dst = str(tmp_path / 'shapes'), str(tmp_path / 'objects')
    records = shapes.write_imagenet_layout(src, 'val', per_class=2)
    assert write_object_crops(src, dst, 'val', size=48) == len(records)
    with open(osp.join(src, 'meta', 'val.txt')) as f:
        source_lines = f.read().split()
    with open(osp.join(dst, 'meta', 'val.txt')) as f:
        assert f.read().split() == source_lines  # files and labels
    with open(osp.join(src, 'meta', 'val_objects.json')) as f:
        objects = json.load(f)['images']
    for r in objects:
        crop = np.asarray(Image.open(osp.join(dst, 'val', r['file'])))
        assert crop.shape == (48, 48, 3)
        # the object's mask cropped alike spans 1 / 1.3 of the crop along
        # its box's longer side
        h, w = r['height'], r['width']
        flat = np.zeros(h * w, np.uint8)
        pos, value = 0, 0
        for count in r['segmentation']['counts']:
            flat[pos:pos + count] = value
            pos, value = pos + count, 255 - value
        mask = flat.reshape((h, w), order='F')[..., None].repeat(3, -1)
        inside = crop_object(mask, r['bbox'], 48)[..., 0] > 127
        ys, xs = np.nonzero(inside)
        extent = max(xs.max() - xs.min(), ys.max() - ys.min()) + 1
        assert abs(extent - 48 / 1.3) <= 2
