from typing import Dict

import numpy as np
from mmcv.transforms import BaseTransform
from mmpretrain.registry import TRANSFORMS


def rle_to_mask(rle: Dict) -> np.ndarray:
    """Decode COCO's uncompressed RLE (``size`` [H, W], ``counts``:
    column-major runs, starting with a run of zeros).

    Returns:
        np.ndarray: bool (H, W).
    """
    h, w = rle['size']
    counts = np.asarray(rle['counts'], dtype=np.int64)
    if counts.sum() != h * w:
        raise ValueError(f'RLE counts sum to {counts.sum()}, not H * W = '
                         f'{h * w}')
    values = np.arange(len(counts)) % 2 == 1  # runs alternate 0, 1, 0, ...
    return np.repeat(values, counts).reshape(w, h).T


@TRANSFORMS.register_module()
class LoadObjectMask(BaseTransform):
    """Decode a sample's object mask (``ImageNetWithObjects`` puts its RLE
    in ``gt_object_rle``).

    **Required Keys:** gt_object_rle

    **Added Keys:** gt_object_mask (bool (H, W), the image's size)
    """

    def transform(self, results: dict) -> dict:
        """Add ``gt_object_mask``; it must match the image's size."""
        mask = rle_to_mask(results['gt_object_rle'])
        if 'img' in results and mask.shape != results['img'].shape[:2]:
            raise ValueError(f"object mask {mask.shape} does not match the "
                             f"image {results['img'].shape[:2]} of "
                             f"{results.get('img_path')}")
        results['gt_object_mask'] = mask
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}()'
