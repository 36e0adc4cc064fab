"""A linear probe that is the same for every encoder: frozen features,
standardised, and a multinomial logistic regression fitted to convergence
with L-BFGS (no learning rate, no schedule, no augmentation to tune)."""
import json
import os.path as osp
from typing import Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmpretrain.models import MAEViT

from pixmim_plugin.analysis.loading import load_images
from pixmim_plugin.demo.object_crops import crop_object


def load_split(data_root: str, split: str,
               size: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Images of an ImageNet-layout split (``meta/<split>.txt``), shorter
    edge resized to ``size`` (bicubic, PIL) and centre-cropped.

    Returns:
        tuple: float images (N, 3, size, size) in 0-255 RGB and int64 labels
        (N,).
    """
    with open(osp.join(data_root, 'meta', f'{split}.txt')) as f:
        lines = [line.split() for line in f if line.strip()]
    images = load_images(
        [osp.join(data_root, split, file) for file, _ in lines],
        size,
        backend='pillow',
        interpolation='bicubic')
    labels = torch.tensor([int(label) for _, label in lines])
    return images.flip(1).float(), labels  # BGR -> RGB


def load_object_crops(
        data_root: str,
        split: str,
        size: int,
        margin: float = 0.15) -> Tuple[torch.Tensor, torch.Tensor]:
    """The object of each image of an ImageNet-layout split with object
    boxes (``meta/<split>_objects.json``, as the demo set has): a square
    around the box, ``margin`` of its longer side added on each side,
    resized to ``size`` (bicubic, PIL; the image edge-padded where the
    square leaves it).

    Returns:
        tuple: float images (N, 3, size, size) in 0-255 RGB and int64 labels
        (N,).
    """
    from PIL import Image
    with open(osp.join(data_root, 'meta', f'{split}_objects.json')) as f:
        records = json.load(f)['images']
    crops = []
    for r in records:
        with Image.open(osp.join(data_root, split, r['file'])) as img:
            img = np.asarray(img.convert('RGB'))
        crops.append(crop_object(img, r['bbox'], size, margin))
    array = np.stack(crops).transpose(0, 3, 1, 2).astype(np.float32)
    labels = torch.tensor([r['label'] for r in records])
    return torch.from_numpy(array), labels


@torch.no_grad()
def encoder_features(model: torch.nn.Module,
                     images: torch.Tensor,
                     batch_size: int = 200) -> torch.Tensor:
    """Frozen features of a ViT-family self-supervised model (MAE, PixMIM,
    MFM): the class token and the mean of the patch tokens of the last
    block (after the final norm), concatenated; every patch is encoded (no
    masking, no corruption).

    Args:
        model: An algorithm with ``data_preprocessor`` and a
            ``VisionTransformer``-family ``backbone`` with a class token.
        images (torch.Tensor): 0-255 RGB images (N, 3, H, W).
        batch_size (int): Images per forward pass. Defaults to 200.

    Returns:
        torch.Tensor: float32 features (N, 2 * C) on the CPU.
    """
    backbone, pre = model.backbone, model.data_preprocessor
    was_training, out_type = model.training, backbone.out_type
    model.eval()
    backbone.out_type = 'raw'  # (N, 1 + L, C): class token first
    device = next(model.parameters()).device
    feats = []
    try:
        for chunk in images.split(batch_size):
            x = (chunk.to(device) - pre.mean) / pre.std
            if isinstance(backbone, MAEViT):
                # None, not False: mmpretrain 1.2 tests `mask is None or
                # False`, which masks for False
                tokens = backbone(x, mask=None)[-1]
            else:
                tokens = backbone(x)[-1]
            feats.append(
                torch.cat([tokens[:, 0], tokens[:, 1:].mean(1)], -1).cpu())
    finally:
        backbone.out_type = out_type
        model.train(was_training)
    return torch.cat(feats).float()


def linear_probe(train_x: torch.Tensor,
                 train_y: torch.Tensor,
                 test_x: torch.Tensor,
                 test_y: torch.Tensor,
                 weight_decay: float = 1e-3,
                 max_iter: int = 500) -> float:
    """Top-1 accuracy (%) of an L2-regularised multinomial logistic
    regression fitted on ``train_x`` (standardised with its statistics) by
    L-BFGS in float64 and evaluated on ``test_x``.

    Args:
        train_x, test_x (torch.Tensor): Features (N, D).
        train_y, test_y (torch.Tensor): Labels (N,) in ``[0, K)``.
        weight_decay (float): L2 weight on the weights (not the bias),
            relative to the mean cross-entropy. Defaults to 1e-3.
        max_iter (int): L-BFGS iterations. Defaults to 500.

    Returns:
        float: Accuracy on the test set, in percent.
    """
    if weight_decay < 0:
        raise ValueError(f'weight_decay must be >= 0, got {weight_decay}')
    mean = train_x.double().mean(0)
    std = train_x.double().std(0).clamp_min(1e-6)
    xs = (train_x.double() - mean) / std
    xt = (test_x.double() - mean) / std
    classes = int(max(train_y.max(), test_y.max())) + 1
    weight = torch.zeros(xs.shape[1], classes, dtype=torch.float64)
    bias = torch.zeros(classes, dtype=torch.float64)
    weight.requires_grad_(True)
    bias.requires_grad_(True)
    optimizer = torch.optim.LBFGS([weight, bias],
                                  max_iter=max_iter,
                                  tolerance_grad=1e-9,
                                  tolerance_change=1e-12,
                                  history_size=20,
                                  line_search_fn='strong_wolfe')

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = F.cross_entropy(xs @ weight + bias, train_y)
        loss = loss + weight_decay * weight.pow(2).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    with torch.no_grad():
        pred = (xt @ weight + bias).argmax(1)
    return float((pred == test_y).double().mean() * 100)
