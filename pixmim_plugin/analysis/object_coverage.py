"""How much of the foreground a training crop keeps (PixMIM, Fig. 3 and 6).

For a crop A of an image with foreground F (a binary mask of area |F|),
J(A) is the fraction of F's *original* pixels that land in the crop, and
J(M o A) the fraction that land in the patches a random MAE mask M leaves
visible. The paper's F is one binary foreground mask per image (PSSL's
masks of ImageNet); every image counts once. For instance annotations
(COCO) F is the union of an image's instance masks; the per-instance
measure (F one object, every object counted once) is the option of
:mod:`.coverage_report`'s loaders, not the paper's.

A pixel lands in the crop when its centre lies in the crop's window, the
part of the original image the crop's output covers; reflect padding copies
pixels that are counted once, at their own place, or not at all. The
windows come from the transforms themselves (:func:`crop_window` calls each
transform's own random-parameter method), so the crops are those the
configs train with.

With a mask that keeps ``int(L * (1 - ratio))`` of ``L`` patches uniformly
at random (MAE's rule), every patch is visible with probability ``1 -
ratio`` when ``L * (1 - ratio)`` is an integer, so ``E[J(M o A)] = (1 -
ratio) E[J(A)]`` for any crop.
"""
from collections import defaultdict
from typing import Iterable, NamedTuple, Optional, Sequence

import numpy as np
from mmcv.transforms import BaseTransform
from mmpretrain.datasets.transforms import RandomResizedCrop

from pixmim_plugin.datasets.transforms import SimpleResizedCrop
from pixmim_plugin.datasets.transforms.simple_resized_crop import \
    shorter_edge_size


class Window(NamedTuple):
    """A crop's window ``[y0, y1) x [x0, x1)`` in original pixel
    coordinates (pixel ``(i, j)`` has its centre at ``(i + .5, j + .5)``),
    mapped linearly onto an output of ``out_h x out_w`` pixels. May reach
    outside the image (padding)."""
    y0: float
    y1: float
    x0: float
    x1: float
    out_h: int
    out_w: int


def crop_window(steps: Sequence[BaseTransform], h: int, w: int) -> Window:
    """Draw one crop of an ``h x w`` image with ``steps`` and return its
    window.

    Args:
        steps: One crop transform (mmpretrain's ``RandomResizedCrop`` or a
            subclass whose ``rand_crop_params`` reads only the image's
            shape, :class:`SimpleResizedCrop`), or a resize followed by a
            crop without randomness (``ResizeEdge`` + ``CenterCrop``), which
            are run on a blank image.
        h, w (int): The original image's size.

    Returns:
        Window: The crop's window.
    """
    if len(steps) == 1 and isinstance(steps[0], RandomResizedCrop):
        t = steps[0]
        top, left, th, tw = t.rand_crop_params(np.empty((h, w, 1), np.uint8))
        # mmpretrain's scale is (h, w): it resizes to scale[::-1] = (w, h)
        return Window(top, top + th, left, left + tw, t.scale[0], t.scale[1])
    if len(steps) == 1 and isinstance(steps[0], SimpleResizedCrop):
        t = steps[0]
        nh, nw = shorter_edge_size(h, w, t.scale)
        top, left = t.rand_offset(nh, nw)
        top, left = top - t.padding, left - t.padding  # in the resized image
        sy, sx = h / nh, w / nw
        return Window(top * sy, (top + t.scale) * sy, left * sx,
                      (left + t.scale) * sx, t.scale, t.scale)
    if len(steps) == 2:
        # a deterministic resize and crop: run them on a blank image and on
        # a map of the resized image's pixel indices
        resized = steps[0](dict(img=np.zeros((h, w), np.uint8)))['img']
        nh, nw = resized.shape[:2]
        index = np.arange(nh * nw, dtype=np.int32).reshape(nh, nw)
        out = steps[1](dict(img=index, img_shape=(nh, nw)))['img']
        top, left = divmod(int(out[0, 0]), nw)
        oh, ow = out.shape[:2]
        sy, sx = h / nh, w / nw
        return Window(top * sy, (top + oh) * sy, left * sx, (left + ow) * sx,
                      oh, ow)
    raise TypeError('steps must be one RandomResizedCrop or '
                    'SimpleResizedCrop, or a resize and a crop; got '
                    f'{[type(s).__name__ for s in steps]}')


def random_patch_mask(grid: tuple, ratio: float,
                      rng: np.random.Generator) -> np.ndarray:
    """MAE's random masking: ``int(L * (1 - ratio))`` of the ``L`` patches
    of ``grid = (gh, gw)`` kept uniformly at random.

    Returns:
        np.ndarray: bool (gh, gw), True = visible.
    """
    if not 0 <= ratio < 1:
        raise ValueError(f'mask ratio must be in [0, 1), got {ratio}')
    num = grid[0] * grid[1]
    visible = np.zeros(num, bool)
    visible[rng.permutation(num)[:int(num * (1 - ratio))]] = True
    return visible.reshape(grid)


def coverage(mask: np.ndarray,
             window: Window,
             patch_size: int,
             visible: np.ndarray = None) -> tuple:
    """J(A) and J(M o A) of one foreground mask for one crop.

    Args:
        mask (np.ndarray): bool (H, W), the foreground's (or one object's)
            pixels.
        window (Window): The crop (:func:`crop_window`).
        patch_size (int): Side of a patch of the crop's output.
        visible (np.ndarray, optional): bool (out_h // patch_size, out_w //
            patch_size), the patches a mask leaves visible; None counts
            every patch.

    Returns:
        tuple[float, float]: The fractions of the mask's area in the crop
        and in its visible patches (NaN for an empty mask).
    """
    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return float('nan'), float('nan')
    # each object pixel's position in the output, from its centre
    oy = (ys + 0.5 - window.y0) * window.out_h / (window.y1 - window.y0)
    ox = (xs + 0.5 - window.x0) * window.out_w / (window.x1 - window.x0)
    inside = (oy >= 0) & (oy < window.out_h) & (ox >= 0) & (ox < window.out_w)
    kept = inside.sum() / len(ys)
    if visible is None:
        return float(kept), float(kept)
    py = np.clip(oy // patch_size, 0, visible.shape[0] - 1).astype(int)
    px = np.clip(ox // patch_size, 0, visible.shape[1] - 1).astype(int)
    # pixels of a partial last patch row or column are never visible
    covered = (oy < visible.shape[0] * patch_size) & (
        ox < visible.shape[1] * patch_size)
    seen = inside & covered & visible[py, px]
    return float(kept), float(seen.sum() / len(ys))


# the configs whose crops the tool measures by default: MAE's and PixMIM's
# pre-training, and the evaluation crop of the linear-probing benchmark
CROP_CONFIGS = dict(
    rrc='configs/pixmim/mae_vit-base-p16_8xb512-amp-coslr-800e_in1k.py',
    src='configs/pixmim/pixmim_vit-base-p16_8xb512-amp-coslr-800e_in1k.py',
    cc=('configs/pixmim/benchmarks/'
        'vit-base-p16_8xb2048-linear-coslr-90e_in1k.py'))


def crop_steps(config: str, kind: str) -> list:
    """The crop of ``config`` as built transforms: for 'rrc' and 'src' its
    training pipeline's one ``*Crop`` step, for 'cc' its test pipeline's
    resize and ``CenterCrop``."""
    from mmengine.config import Config
    from mmpretrain.registry import TRANSFORMS
    cfg = Config.fromfile(config)
    if kind == 'cc':
        pipeline = cfg.test_dataloader.dataset.pipeline
        steps = [
            s for s in pipeline if s['type'].startswith(('Resize', 'Center'))
        ]
    elif kind in ('rrc', 'src'):
        steps = [s for s in cfg.train_pipeline if 'Crop' in s['type']]
    else:
        raise ValueError(f"kind must be 'rrc', 'src' or 'cc', got {kind!r}")
    if len(steps) not in (1, 2):
        raise ValueError(f'no {kind} crop found in {config}')
    return [TRANSFORMS.build(s) for s in steps]


def measure(masks: Iterable[tuple],
            crops: dict,
            patch_size: int,
            mask_ratio: float = 0.75,
            samples: int = 10,
            seed: int = 0,
            progress: bool = True,
            total: Optional[int] = None) -> list:
    """J(A) and J(M o A) of every mask for ``samples`` crops of each kind.

    Args:
        masks: ``(image_id, object_id, mask)`` with bool (H, W) masks: an
            image's foreground (``object_id`` 'foreground', the paper's
            measure) or one object; the crops of a mask are drawn on its
            image's size. Read once, so a generator works.
        crops (dict): ``{name: steps}`` for :func:`crop_window`.
        patch_size (int): The pre-training's patch size.
        mask_ratio (float): Fraction of patches masked. Defaults to 0.75.
        samples (int): Crops (and masks) per mask and crop kind.
        seed (int): Seeds numpy's global generator (the transforms') and
            the masks' generator.
        progress (bool): Show a progress bar. Defaults to True.
        total (int, optional): The number of masks, for the progress bar;
            defaults to ``len(masks)`` where it has one.

    Returns:
        list[dict]: One row per mask, crop kind and sample: ``image_id``,
        ``object_id``, ``crop``, ``sample``, ``J``, ``J_masked``.
    """
    if samples < 1:
        raise ValueError(f'samples must be >= 1, got {samples}')
    np.random.seed(seed)
    rng = np.random.default_rng(seed)
    rows = []
    bar = None
    if progress:
        from mmengine.utils import ProgressBar
        bar = ProgressBar(total if total is not None else len(masks))
    for image_id, object_id, mask in masks:
        for name, steps in crops.items():
            for k in range(samples):
                win = crop_window(steps, *mask.shape)
                grid = (win.out_h // patch_size, win.out_w // patch_size)
                visible = random_patch_mask(grid, mask_ratio, rng)
                j, jm = coverage(mask, win, patch_size, visible)
                rows.append(
                    dict(
                        image_id=image_id,
                        object_id=object_id,
                        crop=name,
                        sample=k,
                        J=j,
                        J_masked=jm))
        if bar is not None:
            bar.update()
    return rows


def summarise(rows: Sequence[dict]) -> list:
    """Per crop kind: J and J masked of each mask averaged over its draws
    first, then their mean and standard error over the masks (images, or
    objects in the per-instance measure), and the ratio of the means. The
    draws of one mask are not independent samples of the data: the
    standard error counts masks.

    Returns:
        list[dict]: ``crop``, ``unit`` ('image' when every mask is an
        image's foreground, else 'object'), ``units`` (masks), ``draws``
        (per mask), ``J``, ``J_sem``, ``J_masked``, ``J_masked_sem`` (NaN
        for one mask), ``ratio``.
    """
    unit = 'image' if all(r['object_id'] == 'foreground'
                          for r in rows) else 'object'
    out = []
    for name in dict.fromkeys(r['crop'] for r in rows):
        draws = defaultdict(list)
        for r in rows:
            if r['crop'] == name:
                draws[r['image_id'], r['object_id']].append(
                    (r['J'], r['J_masked']))
        per_mask = np.array([np.mean(d, 0) for d in draws.values()])  # (n, 2)
        n = len(per_mask)
        mean = per_mask.mean(0)
        sem = (
            per_mask.std(0, ddof=1) /
            np.sqrt(n) if n > 1 else np.full(2, np.nan))
        out.append(
            dict(
                crop=name,
                unit=unit,
                units=n,
                draws=sum(map(len, draws.values())) // n,
                J=float(mean[0]),
                J_sem=float(sem[0]),
                J_masked=float(mean[1]),
                J_masked_sem=float(sem[1]),
                ratio=float(mean[1] / mean[0]) if mean[0] > 0 else np.nan))
    return out
