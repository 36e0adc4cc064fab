from typing import Tuple

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness
from mmpretrain.registry import TRANSFORMS
from PIL import Image

PIL_RESAMPLE = {
    'nearest': Image.NEAREST,
    'bilinear': Image.BILINEAR,
    'bicubic': Image.BICUBIC,
    'area': Image.BOX,
    'lanczos': Image.LANCZOS,
}
CV2_INTER = {
    'nearest': cv2.INTER_NEAREST,
    'bilinear': cv2.INTER_LINEAR,
    'bicubic': cv2.INTER_CUBIC,
    'area': cv2.INTER_AREA,
    'lanczos': cv2.INTER_LANCZOS4,
}


def reflect_indices(start: int, length: int, size: int) -> np.ndarray:
    """Indices into an axis of ``size`` of the window ``[start, start +
    length)`` of that axis reflect-padded (edge not repeated, as
    ``np.pad(mode='reflect')``)."""
    idx = np.arange(start, start + length)
    if size == 1:
        return np.zeros_like(idx)
    period = 2 * (size - 1)
    idx = np.abs(idx) % period
    return np.where(idx < size, idx, period - idx)


def shorter_edge_size(h: int, w: int, scale: int) -> Tuple[int, int]:
    """Size after resizing the shorter edge to ``scale`` keeping the aspect
    ratio, rounded as torchvision's ``Resize(int)``."""
    if h <= w:
        return scale, max(scale, int(scale * w / h))
    return max(scale, int(scale * h / w)), scale


@TRANSFORMS.register_module()
class SimpleResizedCrop(BaseTransform):
    """Simple Resized Crop (SRC) of PixMIM and DeiT III.

    As in `PixMIM <https://arxiv.org/abs/2303.02416>`_: resize the shorter
    edge to ``scale``, reflect-pad ``padding`` pixels on every side and crop
    a uniformly random ``scale x scale`` window. Flip with a ``RandomFlip``
    after it.

    The output equals resizing the whole image, padding and cropping, but no
    padded image is ever built: the window is read from the resized image
    through reflected indices.

    **Required Keys:** img

    **Modified Keys:** img, img_shape

    Args:
        scale (int): Shorter edge after resizing and side of the crop.
        padding (int): Reflect padding on every side, in pixels of the
            resized image; ``0 <= padding < scale``. Defaults to 4.
        interpolation (str): 'nearest', 'bilinear', 'bicubic', 'area' or
            'lanczos'. Defaults to 'bilinear', as the official PixMIM recipe
            (torchvision ``Resize``).
        backend (str): 'torch', 'pillow' or 'cv2'.

            - 'torch' (default): PyTorch's antialiased resize, which follows
              PIL's filters (outputs within 1 of PIL's) and is about 4x
              faster; used for 'bilinear' and 'bicubic' on uint8 and float32
              images, PIL for the rest.
            - 'pillow': PIL, which antialiases every filter when
              downscaling, as torchvision does; only the resized rows and
              columns the window needs are computed.
            - 'cv2': OpenCV has no antialiased bilinear or bicubic, so those
              downscale with ``INTER_AREA`` (an antialiased box filter) and
              upscale with the chosen interpolation.
    """

    def __init__(self,
                 scale: int,
                 padding: int = 4,
                 interpolation: str = 'bilinear',
                 backend: str = 'torch') -> None:
        if isinstance(scale, bool) or not isinstance(scale, int) or scale <= 0:
            raise ValueError(f'scale must be a positive int, got {scale!r}')
        if (isinstance(padding, bool) or not isinstance(padding, int)
                or not 0 <= padding < scale):
            raise ValueError(f'padding must be an int in [0, scale) = '
                             f'[0, {scale}), got {padding!r}')
        if interpolation not in PIL_RESAMPLE:
            raise ValueError(f'interpolation must be one of '
                             f'{tuple(PIL_RESAMPLE)}, got {interpolation!r}')
        if backend not in ('torch', 'pillow', 'cv2'):
            raise ValueError("backend must be 'torch', 'pillow' or 'cv2', "
                             f'got {backend!r}')
        self.scale = scale
        self.padding = padding
        self.interpolation = interpolation
        self.backend = backend

    @cache_randomness
    def rand_offset(self, resized_h: int, resized_w: int) -> Tuple[int, int]:
        """Top-left corner of the crop in the padded resized image."""
        pad2 = 2 * self.padding
        top = np.random.randint(0, resized_h + pad2 - self.scale + 1)
        left = np.random.randint(0, resized_w + pad2 - self.scale + 1)
        return top, left

    def _resize_region(self, img: np.ndarray, size: Tuple[int, int],
                       rows: Tuple[int, int], cols: Tuple[int,
                                                          int]) -> np.ndarray:
        """``resize(img, size)[rows[0]:rows[1], cols[0]:cols[1]]``."""
        (h, w), (new_h, new_w) = img.shape[:2], size
        (r0, r1), (c0, c1) = rows, cols
        if (self.backend == 'torch'
                and self.interpolation in ('bilinear', 'bicubic')
                and img.dtype in (np.uint8, np.float32)):
            # (H, W, C) viewed as a channels-last (1, C, H, W): the layout of
            # PyTorch's fast antialiased kernels, and no copy. The result is
            # planar; cv2.merge interleaves the window's planes ~10x faster
            # than a transposing copy.
            # (flipped or BGR-swapped decodes have negative strides)
            img = np.ascontiguousarray(img)
            planes = torch.from_numpy(img.reshape(h, w, -1)).permute(2, 0, 1)
            out = F.interpolate(
                planes[None],
                size=(new_h, new_w),
                mode=self.interpolation,
                antialias=True,
                align_corners=False)[0, :, r0:r1, c0:c1]
            if img.ndim == 2:
                return out[0].numpy()
            return cv2.merge(list(out.numpy())).reshape(
                r1 - r0, c1 - c0, img.shape[2])
        if self.backend == 'cv2':
            inter = CV2_INTER[self.interpolation]
            if new_h * new_w < h * w and self.interpolation in ('bilinear',
                                                                'bicubic'):
                inter = cv2.INTER_AREA
            out = cv2.resize(img, (new_w, new_h), interpolation=inter)
            if img.ndim == 3 and out.ndim == 2:  # cv2 drops a single channel
                out = out[..., None]
            return out[r0:r1, c0:c1]
        sy, sx = h / new_h, w / new_w
        box = (c0 * sx, r0 * sy, c1 * sx, r1 * sy)
        resample = PIL_RESAMPLE[self.interpolation]
        out_size = (c1 - c0, r1 - r0)
        if img.dtype == np.uint8 and (img.ndim == 2 or img.shape[2] in (3, 4)):
            return np.asarray(
                Image.fromarray(img).resize(out_size, resample, box=box))
        # Other dtypes or channel counts: one float32 ('F' mode) plane each.
        planes = img.reshape(h, w, -1).astype(np.float32)
        out = np.stack([
            np.asarray(
                Image.fromarray(planes[..., c]).resize(
                    out_size, resample, box=box))
            for c in range(planes.shape[2])
        ], -1)
        if np.issubdtype(img.dtype, np.integer):
            info = np.iinfo(img.dtype)
            out = np.clip(np.round(out), info.min, info.max)
        return out.astype(img.dtype).reshape(out.shape[:2] + img.shape[2:])

    def transform(self, results: dict) -> dict:
        """Resize, pad and crop ``results['img']``; update ``img_shape``."""
        img = results['img']
        if img.ndim not in (2, 3) or min(img.shape[:2]) == 0:
            raise ValueError('SimpleResizedCrop expects an image of shape '
                             f'(H, W) or (H, W, C), got {img.shape}')
        new_h, new_w = shorter_edge_size(*img.shape[:2], self.scale)
        top, left = self.rand_offset(new_h, new_w)
        rows = reflect_indices(top - self.padding, self.scale, new_h)
        cols = reflect_indices(left - self.padding, self.scale, new_w)
        r0, r1 = int(rows.min()), int(rows.max()) + 1
        c0, c1 = int(cols.min()), int(cols.max()) + 1
        region = self._resize_region(img, (new_h, new_w), (r0, r1), (c0, c1))
        # Unless the window lies inside the resized image, gather its rows
        # and columns; a reflected run is never an increasing one from r0.
        if rows[0] != r0 or r1 - r0 != self.scale:
            region = region[rows - r0]
        if cols[0] != c0 or c1 - c0 != self.scale:
            region = region[:, cols - c0]
        results['img'] = np.ascontiguousarray(region)
        results['img_shape'] = region.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(scale={self.scale}, '
                f'padding={self.padding}, '
                f'interpolation={self.interpolation}, '
                f'backend={self.backend})')
