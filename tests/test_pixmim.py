import numpy as np
import pytest
import torch
from helpers import low_pass_reference, tiny_mae_cfg
from mmpretrain.registry import MODELS

import pixmim_plugin  # noqa: F401

IMG, PATCH = 32, 8


def tiny_model(algorithm='PixMIM', target_generator=None):
    cfg = tiny_mae_cfg(algorithm, IMG, PATCH, target_generator)
    model = MODELS.build(cfg)
    model.init_weights()
    return model.eval()


def patchify(x: np.ndarray, p: int) -> np.ndarray:
    n, c, h, w = x.shape
    x = x.reshape(n, c, h // p, p, w // p, p)
    return x.transpose(0, 2, 4, 3, 5, 1).reshape(n, (h // p) * (w // p), -1)


def mae_loss_reference(pred, target, mask):
    """MAE's loss in numpy: per-patch normalised target (norm_pix), mean
    squared error per patch, averaged over the masked patches."""
    t = patchify(target, PATCH)
    t = (t - t.mean(
        -1, keepdims=True)) / np.sqrt(t.var(-1, ddof=1, keepdims=True) + 1e-6)
    per_patch = ((pred - t)**2).mean(-1)
    return (per_patch * mask).sum() / mask.sum()


@torch.no_grad()
def test_loss_is_mae_loss_on_low_pass_target():
    radius = 5
    model = tiny_model(
        target_generator=dict(type='LowFreqTargetGenerator', radius=radius))
    inputs = torch.randn(2, 3, IMG, IMG)

    torch.manual_seed(0)
    loss = model.loss(inputs, [])['loss']
    torch.manual_seed(0)  # the same masks again
    latent, mask, ids_restore = model.backbone(inputs)
    pred = model.neck(latent, ids_restore)

    target = low_pass_reference(inputs.numpy(), radius)
    expected = mae_loss_reference(pred.double().numpy(), target,
                                  mask.double().numpy())
    assert loss.item() == pytest.approx(expected, rel=1e-4)
    assert np.abs(target - inputs.numpy()).max() > 0.5  # a real change


@torch.no_grad()
def test_without_generator_it_is_mae():
    pixmim, mae = tiny_model(), tiny_model('MAE')
    mae.load_state_dict(pixmim.state_dict())
    inputs = torch.randn(2, 3, IMG, IMG)
    torch.manual_seed(1)
    a = pixmim.loss(inputs, [])['loss']
    torch.manual_seed(1)
    b = mae.loss(inputs, [])['loss']
    assert a.item() == b.item()


def test_gradients_reach_the_encoder():
    model = tiny_model(
        target_generator=dict(type='LowFreqTargetGenerator',
                              radius=4)).train()
    model.loss(torch.randn(2, 3, IMG, IMG), [])['loss'].backward()
    assert model.backbone.patch_embed.projection.weight.grad.abs().sum() > 0


@torch.no_grad()
def test_reconstruct_collects_consistent_images():
    from pixmim_plugin.analysis import reconstruct
    model = tiny_model(
        target_generator=dict(type='LowFreqTargetGenerator', radius=4))
    inputs = torch.randn(2, 3, IMG, IMG)
    images = reconstruct(model, inputs)
    target = torch.from_numpy(low_pass_reference(inputs.numpy(), 4)).float()
    torch.testing.assert_close(images['target'], target, atol=1e-4, rtol=0)
    blanked = images['masked'] == 0
    visible = ~blanked.all(1, keepdim=True).expand_as(blanked)
    # 75% of the patches are masked; visible pixels show input and target
    assert visible.float().mean().item() == pytest.approx(0.25)
    torch.testing.assert_close(images['masked'][visible], inputs[visible])
    torch.testing.assert_close(
        images['reconstruction'][visible], target[visible], atol=1e-4, rtol=0)
