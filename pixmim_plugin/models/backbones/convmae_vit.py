from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer
from mmengine.utils import to_2tuple
from mmpretrain.models.backbones.base_backbone import BaseBackbone
from mmpretrain.models.backbones.vision_transformer import \
    TransformerEncoderLayer
from mmpretrain.models.utils import (build_2d_sincos_position_embedding,
                                     resize_pos_embed)
from mmpretrain.registry import MODELS

from .convmae_blocks import ConvMAEBlock, ConvPatchEmbed


@MODELS.register_module()
class ConvMAEViT(BaseBackbone):
    """ConvMAE's hybrid convolution-transformer encoder: `ConvMAE: Masked
    Convolution Meets Masked Autoencoders <https://arxiv.org/abs/2205.03892>`_.

    Stages 1 and 2 are :class:`ConvMAEBlock` s at strides 4 and 8, stage 3
    is ViT blocks at stride 16 (``prod(patch_sizes)``), after a linear
    projection and a frozen 2-D sin-cos position embedding; no class token.
    Stage-1 and stage-2 outputs reach stride 16 through strided convolutions
    and are added to the last transformer output before the final norm.

    ``forward(x)`` is MAE's masked forward: one random mask on the stride-16
    grid, upsampled by nearest neighbour for stages 1 and 2, and the
    transformer on the visible tokens only; it returns ``MAEViT``'s
    ``(latent, mask, ids_restore)``. ``forward(x, mask=None)`` extracts
    features from the whole image.

    Args:
        arch (str | dict): ``'b'`` (ConvMAE-B: ``embed_dims`` 256 / 384 /
            768, ``depths`` 2 / 2 / 11, ``patch_sizes`` 4 / 2 / 2,
            ``num_heads`` 12, ``mlp_ratio`` 4) or a dict of those keys.
        img_size (int | tuple): Pre-training input size, a multiple of
            ``prod(patch_sizes)``. Defaults to 224.
        mask_ratio (float): Share of stride-16 patches removed, in (0, 1).
            Defaults to 0.75.
        drop_path_rate (float): Stochastic depth, rising linearly over all
            blocks of the three stages. Defaults to 0.
        norm_cfg (dict): Norm of the transformer blocks and the final norm.
            Defaults to ``dict(type='LN', eps=1e-6)``.
        out_indices (Sequence[int] | int): Stages (0, 1, 2) returned by the
            unmasked forward. Defaults to -1, the last.
        out_type (str): Stage-3 output of the unmasked forward: ``'raw'``
            (N, L, C), ``'featmap'`` (N, C, h, w) or ``'avg_featmap'``
            (N, C). Stages 1 and 2 are always (N, C, H, W). Defaults to
            ``'raw'``.
        init_cfg (dict | List[dict], optional): Initialization config.
    """
    arch_zoo = {
        **dict.fromkeys(
            ['b', 'base'], {
                'embed_dims': [256, 384, 768],
                'depths': [2, 2, 11],
                'patch_sizes': [4, 2, 2],
                'num_heads': 12,
                'mlp_ratio': 4,
            }),
    }
    OUT_TYPES = ('raw', 'featmap', 'avg_featmap')

    def __init__(self,
                 arch: Union[str, dict] = 'b',
                 img_size: Union[int, Tuple[int, int]] = 224,
                 mask_ratio: float = 0.75,
                 drop_path_rate: float = 0.,
                 norm_cfg: dict = dict(type='LN', eps=1e-6),
                 out_indices: Union[Sequence[int], int] = -1,
                 out_type: str = 'raw',
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if isinstance(arch, str):
            if arch not in self.arch_zoo:
                raise ValueError(f'ConvMAEViT: arch must be one of '
                                 f'{sorted(self.arch_zoo)} or a dict, got '
                                 f'{arch!r}')
            arch = self.arch_zoo[arch]
        missing = set(self.arch_zoo['b']) - set(arch)
        if missing:
            raise ValueError(f'ConvMAEViT: arch lacks {sorted(missing)}')
        dims, depths = arch['embed_dims'], arch['depths']
        self.stride = int(np.prod(arch['patch_sizes']))
        self.img_size = to_2tuple(img_size)
        if any(s % self.stride for s in self.img_size):
            raise ValueError(
                f'ConvMAEViT: img_size must be a multiple of '
                f'{self.stride} (the stride-16 patch), got {img_size}')
        if not 0 < mask_ratio < 1:
            raise ValueError(
                f'ConvMAEViT: mask_ratio must be in (0, 1), got {mask_ratio}')
        if out_type not in self.OUT_TYPES:
            raise ValueError(f'ConvMAEViT: out_type must be one of '
                             f'{self.OUT_TYPES}, got {out_type!r}')
        out_indices = [out_indices] if isinstance(out_indices,
                                                  int) else out_indices
        if any(not -3 <= i < 3 for i in out_indices):
            raise ValueError(f'ConvMAEViT: out_indices must be stages in '
                             f'[-3, 2], got {out_indices}')
        self.out_indices = [i % 3 for i in out_indices]
        self.out_type = out_type
        self.mask_ratio = mask_ratio
        self.grid = tuple(s // self.stride for s in self.img_size)
        self.num_patches = self.grid[0] * self.grid[1]
        self.num_visible = int(self.num_patches * (1 - mask_ratio))
        if self.num_visible < 1:
            raise ValueError(
                f'ConvMAEViT: mask_ratio {mask_ratio} leaves no visible patch '
                f'of {self.num_patches}; lower it or enlarge img_size')
        self.embed_dims = dims[2]

        drop_path = np.linspace(0, drop_path_rate, sum(depths)).tolist()
        ins = [3, *dims[:2]]
        for i in range(3):
            self.add_module(
                f'patch_embed{i + 1}',
                ConvPatchEmbed(ins[i], dims[i], arch['patch_sizes'][i]))
        self.blocks1, self.blocks2 = (
            nn.ModuleList(
                ConvMAEBlock(dims[s], arch['mlp_ratio'], drop_path.pop(0))
                for _ in range(depths[s])) for s in range(2))
        self.patch_proj = nn.Linear(dims[2], dims[2])
        self.pos_embed = nn.Parameter(
            torch.zeros(1, self.num_patches, dims[2]), requires_grad=False)
        self.layers = nn.ModuleList(
            TransformerEncoderLayer(
                dims[2],
                arch['num_heads'],
                int(arch['mlp_ratio'] * dims[2]),
                drop_path_rate=drop_path.pop(0),
                qkv_bias=True,
                norm_cfg=norm_cfg) for _ in range(depths[2]))
        # stage-1 and 2 outputs to stride 16: k = s = 4 and 2 for ConvMAE-B
        self.upsampling = (self.stride // arch['patch_sizes'][0],
                           arch['patch_sizes'][2])
        self.fuse1, self.fuse2 = (nn.Conv2d(dims[s], dims[2], k, stride=k)
                                  for s, k in enumerate(self.upsampling))
        self.ln1 = build_norm_layer(norm_cfg, dims[2])[1]

    def init_weights(self) -> None:
        """The frozen sin-cos position embedding, and the stride-16 patch
        embedding's conv weight initialised as a linear layer: Xavier-uniform
        on ``w.view(out, -1)`` (fan in ``in * k * k``, fan out ``out``), as
        the official ConvMAE and MAE code do; its bias keeps PyTorch's
        default, as there. With a ``Pretrained`` init the checkpoint's
        weights are kept as loaded."""
        super().init_weights()
        if isinstance(self.init_cfg, dict) and \
                self.init_cfg.get('type') == 'Pretrained':
            return
        # (w, h): mmpretrain's helper orders positions width-major, the
        # tokens here are (h, w) row-major
        self.pos_embed.data.copy_(
            build_2d_sincos_position_embedding(self.grid[::-1],
                                               self.embed_dims).float())
        weight = self.patch_embed3.projection.weight.data
        nn.init.xavier_uniform_(weight.view(weight.shape[0], -1))

    def random_masking(self, batch: int,
                       device: torch.device) -> Tuple[torch.Tensor, ...]:
        """MAE's per-sample random masking of the stride-16 grid.

        Returns:
            Tuple[torch.Tensor, ...]: ``ids_keep`` (N, K) visible patches,
            ``mask`` (N, L) with 1 = removed, ``ids_restore`` (N, L).
        """
        length, keep = self.num_patches, self.num_visible
        ids_shuffle = torch.rand(batch, length, device=device).argsort(1)
        ids_restore = ids_shuffle.argsort(1)
        mask = torch.ones(batch, length, device=device)
        mask[:, :keep] = 0
        mask = mask.gather(1, ids_restore)
        return ids_shuffle[:, :keep], mask, ids_restore

    def stage_visibility(self, mask: torch.Tensor) -> List[torch.Tensor]:
        """The stage-1 and stage-2 visibility maps of ``mask``.

        Args:
            mask (torch.Tensor): (N, L), 1 = removed, on the stride-16 grid.

        Returns:
            List[torch.Tensor]: (N, 1, H / 4, W / 4) and (N, 1, H / 8,
            W / 8), 1 = visible: the grid upsampled by nearest neighbour.
        """
        grid = (1 - mask).view(-1, 1, *self.grid)
        return [
            F.interpolate(grid, scale_factor=factor, mode='nearest')
            for factor in self.upsampling
        ]

    def _check_input(self, x: torch.Tensor, masked: bool) -> None:
        size = tuple(x.shape[-2:])
        if any(s % self.stride for s in size):
            raise ValueError(
                f'ConvMAEViT: input height and width must be multiples of '
                f'{self.stride}, got {size}')
        if masked and size != self.img_size:
            raise ValueError(f'ConvMAEViT: the masked forward takes img_size '
                             f'{self.img_size} inputs, got {size}')

    def forward_stages(
        self,
        x: torch.Tensor,
        visible: Optional[List[torch.Tensor]] = None
    ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """The convolutional stages and the stride-16 embedding.

        Args:
            x (torch.Tensor): Images (N, 3, H, W).
            visible (List[torch.Tensor], optional): Stage-1 and stage-2
                visibility maps (see :meth:`stage_visibility`).

        Returns:
            Tuple[torch.Tensor, ...]: stage-1 (N, C1, H / 4, W / 4) and
            stage-2 (N, C2, H / 8, W / 8) outputs, the stage-3 input tokens
            (N, L, C) with position embedding, and the fused stage-1 + 2
            tokens (N, L, C).
        """
        v1, v2 = visible or (None, None)
        x = self.patch_embed1(x)
        for block in self.blocks1:
            x = block(x, v1)
        stage1 = x
        x = self.patch_embed2(x)
        for block in self.blocks2:
            x = block(x, v2)
        stage2 = x
        x = self.patch_embed3(x)
        grid = x.shape[-2:]
        pos_embed = self.pos_embed
        if tuple(grid) != self.grid:
            pos_embed = resize_pos_embed(
                pos_embed, self.grid, grid, num_extra_tokens=0)
        tokens = self.patch_proj(x.flatten(2).transpose(1, 2)) + pos_embed
        fused = self.fuse1(stage1) + self.fuse2(stage2)  # (N, C, h, w)
        return stage1, stage2, tokens, fused.flatten(2).transpose(1, 2)

    def forward(
        self,
        x: torch.Tensor,
        mask: Optional[bool] = True
    ) -> Union[Tuple[torch.Tensor, ...], Tuple[torch.Tensor, torch.Tensor,
                                               torch.Tensor]]:
        """Masked encoding, or feature extraction when ``mask`` is None or
        False.

        Args:
            x (torch.Tensor): Images (N, 3, H, W); H and W multiples of
                ``prod(patch_sizes)``, ``img_size`` when masked.
            mask (bool, optional): Mask or not. Defaults to True.

        Returns:
            Tuple[torch.Tensor, ...]: masked: ``latent`` (N, K, C) of the K
            visible patches, ``mask`` (N, L) with 1 = removed and
            ``ids_restore`` (N, L); unmasked: the outputs of
            ``out_indices`` (see ``out_type``).
        """
        masked = mask is not None and mask is not False
        self._check_input(x, masked)
        if not masked:
            return self._extract(x)
        ids_keep, mask, ids_restore = self.random_masking(x.shape[0], x.device)
        _, _, tokens, fused = self.forward_stages(x,
                                                  self.stage_visibility(mask))
        index = ids_keep[..., None].expand(-1, -1, tokens.shape[-1])
        x = tokens.gather(1, index)
        for layer in self.layers:
            x = layer(x)
        x = self.ln1(x + fused.gather(1, index))
        return x, mask, ids_restore

    def _extract(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        size = x.shape[-2:]
        stage1, stage2, x, fused = self.forward_stages(x)
        for layer in self.layers:
            x = layer(x)
        x = self.ln1(x + fused)  # (N, L, C)
        if self.out_type == 'featmap':
            h, w = (s // self.stride for s in size)
            x = x.transpose(1, 2).reshape(x.shape[0], -1, h, w)
        elif self.out_type == 'avg_featmap':
            x = x.mean(1)
        stages = (stage1, stage2, x)
        return tuple(stages[i] for i in self.out_indices)
