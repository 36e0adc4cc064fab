"""BackgroundResizedCrop, its mask loading, and ImageNetWithObjects."""
import numpy as np
import pytest
from mmcv.transforms.utils import cache_random_params
from mmengine.dataset import Compose
from mmpretrain.datasets.transforms import RandomResizedCrop
from mmpretrain.registry import DATASETS, TRANSFORMS

import pixmim_plugin  # noqa: F401
from pixmim_plugin.datasets.transforms.load_object_mask import rle_to_mask
from pixmim_plugin.demo.shapes import mask_to_rle, write_imagenet_layout


def fixture(h=60, w=80):
    """A gradient image and a known object: the 8 x 8 box at (4, 60)."""
    img = np.arange(h * w * 3, dtype=np.uint32).reshape(h, w, 3) % 251
    mask = np.zeros((h, w), bool)
    mask[4:12, 60:68] = True
    return img.astype(np.uint8), mask


def crop(**kwargs):
    return TRANSFORMS.build(
        dict(
            type='BackgroundResizedCrop',
            scale=16,
            crop_ratio_range=(0.2, 1.0),
            **kwargs))


@pytest.mark.parametrize('seed', range(20))
def test_chosen_crop_holds_less_than_the_ratio_of_the_object(seed):
    img, mask = fixture()
    t = crop(interpolation='nearest', backend='pillow')
    np.random.seed(seed)
    with cache_random_params(t):
        top, left, h, w, tries = t.rand_background_params(img, mask)
        out = t(dict(img=img, gt_object_mask=mask))
    assert tries <= 50
    # independent count: object pixels in the box over the object's area
    inside = sum(mask[y, x] for y in range(top, top + h)
                 for x in range(left, left + w))
    assert inside / mask.sum() < 0.2
    assert out['img'].shape == (16, 16, 3) and out['img_shape'] == (16, 16)
    # the output is the box: PIL's nearest resize samples the centres of 16
    # equal cells
    rows = np.floor((np.arange(16) + 0.5) * h / 16).astype(int) + top
    cols = np.floor((np.arange(16) + 0.5) * w / 16).astype(int) + left
    np.testing.assert_array_equal(out['img'], img[np.ix_(rows, cols)])
    np.testing.assert_array_equal(out['gt_object_mask'],
                                  mask[np.ix_(rows, cols)])


def test_falls_back_to_a_plain_crop_after_max_tries():
    img, _ = fixture()
    everywhere = np.ones(img.shape[:2], bool)  # every crop holds >= 20%
    t = crop()
    np.random.seed(3)
    *box, tries = t.rand_background_params(img, everywhere)
    assert tries == 51
    # the fallback is the 51st draw of the stock RandomResizedCrop
    stock = RandomResizedCrop(scale=16, crop_ratio_range=(0.2, 1.0))
    np.random.seed(3)
    draws = [stock.rand_crop_params(img) for _ in range(51)]
    assert tuple(box) == draws[-1]
    assert draws[:50].count(draws[-1]) < 50  # the tries were new draws


def test_stock_crop_still_caches_its_randomness():
    """Subclassing adds nothing to RandomResizedCrop's cached methods."""
    img, mask = fixture()
    assert set(
        RandomResizedCrop._methods_with_randomness) == {'rand_crop_params'}
    for t in (crop(), ):
        with cache_random_params(t):
            first = t(dict(img=img, gt_object_mask=mask))['img']
            again = t(dict(img=img, gt_object_mask=mask))['img']
        np.testing.assert_array_equal(first, again)


def test_max_tries_counts_draws():
    img, _ = fixture()
    t = crop(max_tries=3)
    *_, tries = t.rand_background_params(img, np.ones(img.shape[:2], bool))
    assert tries == 4


def test_empty_mask_takes_the_first_crop():
    img, _ = fixture()
    t = crop()
    np.random.seed(0)
    *box, tries = t.rand_background_params(img, np.zeros(img.shape[:2], bool))
    np.random.seed(0)
    assert tries == 1
    assert tuple(box) == RandomResizedCrop(
        scale=16, crop_ratio_range=(0.2, 1.0)).rand_crop_params(img)


@pytest.mark.parametrize('kwargs,match', [
    (dict(max_object_ratio=0), 'max_object_ratio'),
    (dict(max_object_ratio=1.5), 'max_object_ratio'),
    (dict(max_object_ratio=True), 'max_object_ratio'),
    (dict(max_tries=0), 'max_tries'),
    (dict(max_tries=2.0), 'max_tries'),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        crop(**kwargs)


def test_needs_a_matching_mask():
    img, mask = fixture()
    with pytest.raises(KeyError, match='LoadObjectMask'):
        crop()(dict(img=img))
    with pytest.raises(ValueError, match='does not match'):
        crop()(dict(img=img, gt_object_mask=mask[:-1]))


def test_repr_lists_the_arguments():
    text = repr(crop(max_tries=7))
    assert 'BackgroundResizedCrop(scale=(16, 16)' in text
    assert 'max_object_ratio=0.2' in text and 'max_tries=7' in text


@pytest.mark.parametrize('shape', [(5, 7), (1, 1), (4, 9)])
def test_rle_decodes_the_demo_encoding(rng, shape):
    for mask in (rng.random(shape)
                 < 0.5, np.ones(shape, bool), np.zeros(shape, bool)):
        np.testing.assert_array_equal(rle_to_mask(mask_to_rle(mask)), mask)
    with pytest.raises(ValueError, match='H \\* W'):
        rle_to_mask(dict(size=[2, 2], counts=[1, 2]))


def test_dataset_and_pipeline_carry_the_masks(tmp_path):
    records = write_imagenet_layout(
        str(tmp_path), 'train', per_class=2, classes=('circle', 'square'))
    dataset = DATASETS.build(
        dict(
            type='ImageNetWithObjects',
            data_root=str(tmp_path),
            split='train',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadObjectMask')
            ]))
    assert len(dataset) == 4
    for i, record in enumerate(records):
        out = dataset[i]
        assert out['img_path'].endswith(record['file'])
        mask = out['gt_object_mask']
        assert mask.shape == out['img'].shape[:2]
        assert mask.shape == (record['height'], record['width'])
        # the mask's bounding box is the record's
        ys, xs = np.nonzero(mask)
        assert [xs.min(), ys.min(),
                xs.max() + 1, ys.max() + 1] == record['bbox']
    pipeline = Compose([
        dict(type='BackgroundResizedCrop', scale=32),
        dict(type='PackInputs')
    ])
    assert tuple(pipeline(dataset[0])['inputs'].shape) == (3, 32, 32)


def test_dataset_names_a_missing_objects_file(tmp_path):
    write_imagenet_layout(str(tmp_path), 'val', 1, classes=('circle', ))
    with pytest.raises(FileNotFoundError, match='objects_file'):
        DATASETS.build(
            dict(
                type='ImageNetWithObjects',
                data_root=str(tmp_path),
                split='val',
                objects_file='meta/none.json'))
