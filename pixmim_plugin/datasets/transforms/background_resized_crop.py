from typing import Tuple

import mmcv
import numpy as np
from mmcv.transforms.utils import cache_randomness
from mmpretrain.datasets.transforms import RandomResizedCrop
from mmpretrain.registry import TRANSFORMS

# RandomResizedCrop's sampler without its cache, so that one cached draw of
# BackgroundResizedCrop can call it once per try
_rrc_params = RandomResizedCrop.__dict__['rand_crop_params'].func


def object_fraction(mask: np.ndarray, top: int, left: int, h: int,
                    w: int) -> float:
    """Fraction of the ``True`` pixels of ``mask`` inside the box (0 for an
    empty mask)."""
    area = mask.sum()
    if area == 0:
        return 0.0
    return float(mask[top:top + h, left:left + w].sum() / area)


@TRANSFORMS.register_module()
class BackgroundResizedCrop(RandomResizedCrop):
    """The background-focused crop of PixMIM's ablation (BG, App. C, Table
    5b): RandomResizedCrop boxes are drawn until one holds less than
    ``max_object_ratio`` of the object's area, at most ``max_tries`` times;
    then a last, plain RandomResizedCrop box is taken whatever it holds.

    The object is the sample's instance mask (``LoadObjectMask`` after an
    ``ImageNetWithObjects`` dataset). The mask is cropped and resized with
    the image (nearest).

    **Required Keys:** img, gt_object_mask (bool (H, W))

    **Modified Keys:** img, img_shape, gt_object_mask

    Args:
        scale (int | tuple[int, int]): Output size, as RandomResizedCrop.
        max_object_ratio (float): A crop must hold less than this fraction
            of the object, in (0, 1]. Defaults to 0.2.
        max_tries (int): Boxes drawn before the fallback, >= 1. Defaults to
            50.
        **kwargs: RandomResizedCrop's other arguments (``crop_ratio_range``,
            ``aspect_ratio_range``, ``max_attempts``, ``interpolation``,
            ``backend``).
    """

    # A list of its own: mmcv's cache_randomness would otherwise add this
    # class's cached method to the inherited list of RandomResizedCrop, and
    # cache_random_params would then fail on every RandomResizedCrop.
    _methods_with_randomness: list = []

    def __init__(self,
                 scale,
                 max_object_ratio: float = 0.2,
                 max_tries: int = 50,
                 **kwargs) -> None:
        super().__init__(scale, **kwargs)
        if (isinstance(max_object_ratio, bool)
                or not isinstance(max_object_ratio, (int, float))
                or not 0 < max_object_ratio <= 1):
            raise ValueError('max_object_ratio must be a number in (0, 1], '
                             f'got {max_object_ratio!r}')
        if (isinstance(max_tries, bool) or not isinstance(max_tries, int)
                or max_tries < 1):
            raise ValueError(
                f'max_tries must be an int >= 1, got {max_tries!r}')
        self.max_object_ratio = max_object_ratio
        self.max_tries = max_tries

    @cache_randomness
    def rand_background_params(
            self, img: np.ndarray,
            mask: np.ndarray) -> Tuple[int, int, int, int, int]:
        """A box ``(top, left, h, w)`` holding less than
        ``max_object_ratio`` of ``mask``, and the number of boxes drawn
        (``max_tries + 1`` for the fallback)."""
        for tries in range(1, self.max_tries + 1):
            box = _rrc_params(self, img)
            if object_fraction(mask, *box) < self.max_object_ratio:
                return (*box, tries)
        return (*_rrc_params(self, img), self.max_tries + 1)

    def transform(self, results: dict) -> dict:
        """Crop and resize ``img`` and ``gt_object_mask``."""
        img, mask = results['img'], results.get('gt_object_mask')
        if mask is None:
            raise KeyError('BackgroundResizedCrop needs gt_object_mask: put '
                           'LoadObjectMask (with an ImageNetWithObjects '
                           'dataset) before it')
        if mask.shape != img.shape[:2]:
            raise ValueError(f'gt_object_mask {mask.shape} does not match '
                             f'the image {img.shape[:2]}')
        top, left, h, w, _ = self.rand_background_params(img, mask)
        size = tuple(self.scale[::-1])  # (w, h) for mmcv
        results['img'] = mmcv.imresize(
            img[top:top + h, left:left + w],
            size,
            interpolation=self.interpolation,
            backend=self.backend)
        results['img_shape'] = results['img'].shape[:2]
        crop = mask[top:top + h, left:left + w].astype(np.uint8)
        results['gt_object_mask'] = mmcv.imresize(
            crop, size, interpolation='nearest',
            backend=self.backend).astype(bool)
        return results

    def __repr__(self) -> str:
        return (super().__repr__()[:-1] +
                f', max_object_ratio={self.max_object_ratio}'
                f', max_tries={self.max_tries})')
