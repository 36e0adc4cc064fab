from typing import Dict, Tuple

import torch

from pixmim_plugin.analysis.grid import save_grid, to_pixels

COLUMNS = ('original', 'masked', 'target', 'reconstruction')


@torch.no_grad()
def predict_masked(
        model: torch.nn.Module, inputs: torch.Tensor,
        stats_from: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """One masked forward of an MAE-family model, as images.

    Args:
        model: An algorithm whose backbone returns ``(latent, mask,
            ids_restore, ...)`` (MAE's contract, 1 = removed), whose neck
            takes ``(latent, ids_restore)`` and whose head has ``patchify``,
            ``unpatchify`` and ``norm_pix`` (``MAEPretrainHead``).
        inputs (torch.Tensor): Normalised images (N, C, H, W).
        stats_from (torch.Tensor): With ``norm_pix``, the images (N, C, H, W)
            whose per-patch mean and ``sqrt(var + 1e-6)`` are put back into
            the prediction (the head normalised the target with them).

    Returns:
        tuple[torch.Tensor, torch.Tensor]: The prediction of every patch,
        normalised (N, C, H, W) float32, and the mask as an image of the same
        shape (1 = masked).
    """
    head = model.head
    latent, mask, ids_restore = model.backbone(inputs)[:3]
    pred = model.neck(latent, ids_restore).float()  # (N, L, p*p*C)
    if head.norm_pix:
        patches = head.patchify(stats_from.float())  # (N, L, p*p*C)
        mean = patches.mean(dim=-1, keepdim=True)
        var = patches.var(dim=-1, keepdim=True)
        pred = pred * (var + 1.e-6)**.5 + mean
    mask = mask[..., None].expand_as(pred).float()  # (N, L, p*p*C)
    return head.unpatchify(pred), head.unpatchify(mask.contiguous())


@torch.no_grad()
def reconstruct(model: torch.nn.Module,
                inputs: torch.Tensor) -> Dict[str, torch.Tensor]:
    """Run an MAE-style model (MAE, PixMIM) once and collect its images.

    Args:
        model: An MAE-family algorithm (see :func:`predict_masked`);
            PixMIM's target generator is used if set.
        inputs (torch.Tensor): Normalised images (N, C, H, W).

    Returns:
        dict[str, torch.Tensor]: Normalised images (N, C, H, W) under the
        keys of :data:`COLUMNS`: the input, the input with the masked patches
        blanked, the reconstruction target, and the prediction on the
        masked patches with the target on the visible ones (the loss ignores
        visible patches). With ``norm_pix`` the per-patch statistics of the
        target are put back into the prediction, as MAE's demo does.
    """
    target = inputs
    if getattr(model, 'target_generator', None) is not None:
        target = model.target_generator(inputs)
    pred, mask = predict_masked(model, inputs, target)
    return dict(
        original=inputs,
        masked=inputs * (1 - mask),
        target=target,
        reconstruction=pred * mask + target * (1 - mask))


def save_reconstruction_grid(images: Dict[str, torch.Tensor],
                             mean: torch.Tensor,
                             std: torch.Tensor,
                             path: str,
                             zoom: int = 3) -> None:
    """Save one row per image and one column per entry of :data:`COLUMNS`.

    Args:
        images (dict): The output of :func:`reconstruct`.
        mean, std (torch.Tensor): The data preprocessor's (C, 1, 1)
            normalisation, to go back to pixels.
        path (str): Where to write the PNG.
        zoom (int): Nearest-neighbour magnification. Defaults to 3.
    """
    rows = [[to_pixels(images[k][i], mean, std) for k in COLUMNS]
            for i in range(len(images['original']))]
    save_grid(rows, COLUMNS, path, zoom=zoom)
