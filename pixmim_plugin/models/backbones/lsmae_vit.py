from typing import Sequence, Tuple, Union

import torch
from mmengine.utils import to_2tuple
from mmpretrain.models import MAEViT
from mmpretrain.registry import MODELS


@MODELS.register_module()
class LSMAEViT(MAEViT):
    """MAE's ViT encoder masking in units of ``mask_unit x mask_unit``
    patches: the long-sequence MAE of `Exploring Long-Sequence Masked
    Autoencoders <https://arxiv.org/abs/2210.07224>`_.

    At 448 px with 16 px patches the encoder sees 28 x 28 = 784 tokens; with
    ``mask_unit=2`` the mask is drawn on a 14 x 14 grid of 32 px units (the
    official ``--mask_downsampling 2``), so the removed area has MAE's
    granularity at 224 px while the visible units carry 4x the tokens. Only
    the masking differs from :class:`mmpretrain.models.MAEViT`; the masked
    forward keeps its contract ``(latent, mask, ids_restore)`` with ``mask``
    (N, L) over all L tokens, 1 = removed, so MAE's decoder and head work
    unchanged.

    Args:
        arch (str | dict): ViT architecture, as MAEViT. Defaults to 'b'.
        img_size (int | Sequence[int]): Input size; each side must be a
            multiple of ``patch_size * mask_unit``. Defaults to 448.
        patch_size (int): Patch size. Defaults to 16.
        mask_unit (int): Side of a mask unit in patches, >= 1 (1 is MAE's
            masking). Defaults to 2.
        mask_ratio (float): Fraction of the units removed, in (0, 1); at
            least one unit must be kept and one removed. Defaults to 0.75.
        **kwargs: The other arguments of MAEViT.
    """

    def __init__(self,
                 arch: Union[str, dict] = 'b',
                 img_size: Union[int, Sequence[int]] = 448,
                 patch_size: Union[int, Sequence[int]] = 16,
                 mask_unit: int = 2,
                 mask_ratio: float = 0.75,
                 **kwargs) -> None:
        if not isinstance(mask_unit, int) or mask_unit < 1:
            raise ValueError(
                f'mask_unit must be an int >= 1, got {mask_unit!r}')
        if not 0 < mask_ratio < 1:
            raise ValueError(
                f'mask_ratio must be in (0, 1), got {mask_ratio!r}')
        steps = [p * mask_unit for p in to_2tuple(patch_size)]
        if any(side % step for side, step in zip(to_2tuple(img_size), steps)):
            raise ValueError(
                f'img_size {img_size!r} must be a multiple of patch_size * '
                f'mask_unit = {patch_size} * {mask_unit} on each side')
        super().__init__(
            arch=arch,
            img_size=img_size,
            patch_size=patch_size,
            mask_ratio=mask_ratio,
            **kwargs)
        self.mask_unit = mask_unit
        h, w = self.patch_resolution
        self.unit_grid = (h // mask_unit, w // mask_unit)
        num_units = self.unit_grid[0] * self.unit_grid[1]
        kept = self.units_to_keep(num_units, mask_ratio)
        if not 0 < kept < num_units:
            raise ValueError(
                f'mask_ratio {mask_ratio} keeps {kept} of the {num_units} '
                'mask units; it must keep at least one and remove at least '
                'one')

    @staticmethod
    def units_to_keep(num_units: int, mask_ratio: float) -> int:
        """How many units stay visible, rounded down as MAE rounds
        patches."""
        return int(num_units * (1 - mask_ratio))

    def unit_tokens(self, device: torch.device) -> torch.Tensor:
        """Token indices of each mask unit, (num_units, mask_unit**2); units
        in raster order, tokens in raster order inside a unit."""
        u = self.mask_unit
        (gh, gw), (h, w) = self.unit_grid, self.patch_resolution
        tokens = torch.arange(h * w, device=device)
        return tokens.view(gh, u, gw, u).permute(0, 2, 1, 3).reshape(-1, u * u)

    def random_masking(
        self,
        x: torch.Tensor,
        mask_ratio: float = 0.75
    ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Remove a random ``mask_ratio`` of the units of each image.

        Args:
            x (torch.Tensor): Patch tokens with position embedding
                (N, L, C), L = H/p * W/p.
            mask_ratio (float): Fraction of units removed. Defaults to 0.75.

        Returns:
            Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:

            - ``x_masked``: the tokens of the kept units (N, L_keep, C),
              L_keep = kept units * mask_unit**2.
            - ``mask``: (N, L), 0 = kept, 1 = removed.
            - ``ids_restore``: (N, L), the permutation that puts
              ``cat([x_masked, mask tokens])`` back in raster order.
        """
        N, L, C = x.shape
        if L != self.num_patches:
            raise ValueError(
                f'LSMAEViT was built for {self.patch_resolution} patches '
                f'({self.num_patches} tokens), got {L} tokens: feed images '
                'of the img_size it was built with')
        units = self.unit_tokens(x.device)  # (U, u*u)
        num_units = units.shape[0]
        len_keep = self.units_to_keep(num_units, mask_ratio) * units.shape[1]

        noise = torch.rand(N, num_units, device=x.device)  # (N, U)
        # ascending noise: the first units are kept
        ids_shuffle = units[torch.argsort(noise, dim=1)].flatten(1)  # (N, L)
        ids_restore = torch.argsort(ids_shuffle, dim=1)

        ids_keep = ids_shuffle[:, :len_keep]
        x_masked = torch.gather(
            x, dim=1, index=ids_keep.unsqueeze(-1).expand(-1, -1, C))

        mask = torch.ones(N, L, device=x.device)
        mask[:, :len_keep] = 0
        mask = torch.gather(mask, dim=1, index=ids_restore)  # (N, L)
        return x_masked, mask, ids_restore
