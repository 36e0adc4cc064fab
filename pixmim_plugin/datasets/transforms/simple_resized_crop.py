from typing import Tuple

import cv2
import mmcv
import numpy as np
import torch
import torch.nn.functional as F
from mmcv.image.geometric import cv2_interp_codes, pillow_interp_codes
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness
from mmpretrain.registry import TRANSFORMS
from PIL import Image


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

    mmpretrain's ``ResizeEdge`` + ``RandomCrop(padding=4,
    padding_mode='reflect')`` is not this step: that ``RandomCrop`` pads with
    zeros whatever ``padding_mode`` says (mmpretrain 1.2), and it has no
    antialiased resize as fast as the 'torch' backend here (about 2x the
    stock pair on PIL, ``tools/benchmark.py --only crop``). With 'pillow' or
    'cv2' the pixels are exactly those of ``ResizeEdge`` with that backend,
    reflect padding and a crop; no padded image is built: the window is read
    from the resized image through reflected indices.

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
              PIL's filters (outputs within 1 of PIL's) and is about 2x
              faster; used for 'bilinear' and 'bicubic' on uint8 and float32
              images, PIL for the rest.
            - 'pillow': PIL through ``mmcv.imresize``, which antialiases
              every filter when downscaling, as torchvision does ('area' is
              PIL's box filter).
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
        if interpolation not in cv2_interp_codes:
            raise ValueError(f'interpolation must be one of '
                             f'{tuple(cv2_interp_codes)}, '
                             f'got {interpolation!r}')
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
            interpolation = self.interpolation
            if new_h * new_w < h * w and interpolation in ('bilinear',
                                                           'bicubic'):
                interpolation = 'area'
            out = mmcv.imresize(
                img, (new_w, new_h),
                interpolation=interpolation,
                backend='cv2')
            if img.ndim == 3 and out.ndim == 2:  # cv2 drops a single channel
                out = out[..., None]
            return out[r0:r1, c0:c1]
        # Pillow. The whole image is resized, as ResizeEdge does: resizing
        # only the region (PIL's box) may change the order of PIL's two
        # passes, and with it the rounding and clipping between them.
        interpolation = ('box' if self.interpolation == 'area' else
                         self.interpolation)
        if img.dtype == np.uint8 and (img.ndim == 2 or img.shape[2] == 3):
            return mmcv.imresize(
                img, (new_w, new_h),
                interpolation=interpolation,
                backend='pillow')[r0:r1, c0:c1]
        # Other dtypes or channel counts (PIL reads a 2nd or 4th channel as
        # alpha): one plane at a time, uint8 as 'L', others as float 'F'.
        planes = img.reshape(h, w, -1)
        if img.dtype != np.uint8:
            planes = planes.astype(np.float32)
        resample = pillow_interp_codes[interpolation]
        out = np.stack([
            np.asarray(
                Image.fromarray(np.ascontiguousarray(planes[..., c])).resize(
                    (new_w, new_h), resample))[r0:r1, c0:c1]
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
