from typing import Dict

import torch

from pixmim_plugin.analysis.grid import save_grid, to_pixels

COLUMNS = ('original', 'masked', 'target', 'reconstruction')


@torch.no_grad()
def reconstruct(model: torch.nn.Module,
                inputs: torch.Tensor) -> Dict[str, torch.Tensor]:
    """Run an MAE-style model (MAE, PixMIM) once and collect its images.

    Args:
        model: An MAE-family algorithm with ``backbone``, ``neck`` and an
            ``MAEPretrainHead``; PixMIM's target generator is used if set.
        inputs (torch.Tensor): Normalised images (N, C, H, W).

    Returns:
        dict[str, torch.Tensor]: Normalised images (N, C, H, W) under the
        keys of :data:`COLUMNS`: the input, the input with the masked patches
        blanked, the reconstruction target, and the prediction on the
        masked patches with the target on the visible ones (the loss ignores
        visible patches). With ``norm_pix`` the per-patch statistics of the
        target are put back into the prediction, as MAE's demo does.
    """
    head = model.head
    target = inputs
    if getattr(model, 'target_generator', None) is not None:
        target = model.target_generator(inputs)
    latent, mask, ids_restore = model.backbone(inputs)
    pred = model.neck(latent, ids_restore).float()  # (N, L, p*p*C)
    if head.norm_pix:
        patches = head.patchify(target)  # (N, L, p*p*C)
        mean = patches.mean(dim=-1, keepdim=True)
        var = patches.var(dim=-1, keepdim=True)
        pred = pred * (var + 1.e-6)**.5 + mean
    mask = mask[..., None].expand_as(pred)  # (N, L, p*p*C), 1 = masked
    mask = head.unpatchify(mask.contiguous())
    return dict(
        original=inputs,
        masked=inputs * (1 - mask),
        target=target,
        reconstruction=head.unpatchify(pred) * mask + target * (1 - mask))


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
