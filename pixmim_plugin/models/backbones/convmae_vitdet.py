from typing import Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn.bricks import DropPath
from mmengine.model import ModuleList
from mmpretrain.models.backbones.vit_sam import (TransformerEncoderLayer,
                                                 window_partition,
                                                 window_unpartition)
from mmpretrain.models.utils import resize_pos_embed
from mmpretrain.registry import MODELS

from .convmae_vit import ConvMAEViT

# ConvMAEViT's fusion of stages 1-2 into the last block and final norm
PRETRAINING_ONLY = ('fuse1.', 'fuse2.', 'ln1.')


class WindowBlock(TransformerEncoderLayer):
    """mmpretrain's ``ViTSAM`` block with stochastic depth on the attention
    branch as well (``ViTSAM`` drops the FFN branch only), as ConvMAE's and
    ViTDet's blocks. Takes (N, H, W, C) tokens."""

    def __init__(self, *args, drop_path_rate: float = 0., **kwargs) -> None:
        super().__init__(*args, drop_path_rate=drop_path_rate, **kwargs)
        self.drop_path = DropPath(
            drop_path_rate) if drop_path_rate > 0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.ln1(x)
        if self.window_size > 0:
            h, w = x.shape[1:3]
            x, pad_hw = window_partition(x, self.window_size)
        x = self.attn(x)
        if self.window_size > 0:
            x = window_unpartition(x, self.window_size, pad_hw, (h, w))
        x = shortcut + self.drop_path(x)
        return self.ffn(self.ln2(x), identity=x)


@MODELS.register_module()
class ConvMAEViTDet(ConvMAEViT):
    """ConvMAE's encoder as a four-level backbone for detection and
    segmentation, as ConvMAE's ``ConvViTDet`` (Gao et al., 2022).

    The stage-1 and stage-2 maps (strides 4 and 8), the stage-3 map (stride
    16) and its 2x2 max pooling (stride 32), for an FPN or UperNet. Stage 3
    runs mmpretrain's ``ViTSAM`` blocks (:class:`WindowBlock`): windowed
    attention except in
    ``global_attn_indexes``, with ViTDet's decomposed relative positions
    (zero at the start). The parameter names are :class:`ConvMAEViT`'s, so
    its weights load unchanged, except those only pre-training uses: the
    multi-scale fusion convolutions and the final norm are not built (and
    skipped when a pre-training checkpoint is loaded). The position
    embedding, frozen in pre-training, is interpolated (bicubic) to
    ``img_size`` when a checkpoint is loaded and trained, as the official
    classification and segmentation code do (``frozen_pos_embed=True`` keeps
    it frozen, as the official detector does). No masking: ``forward(x)``
    extracts.

    Args:
        arch (str | dict): As :class:`ConvMAEViT`. Defaults to ``'b'``.
        img_size (int | tuple): Training input size (the position grid is
            ``img_size / 16``). Defaults to 1024.
        window_size (int): Attention window of stage 3 in tokens, 0 for
            global attention everywhere. Defaults to 16.
        global_attn_indexes (Sequence[int]): Stage-3 blocks with global
            attention when ``window_size > 0``. Defaults to (0, 3, 6, 10),
            as ConvMAE's detector.
        use_rel_pos (bool): Decomposed relative positions in stage 3.
            Defaults to True.
        drop_path_rate (float): Stochastic depth, rising linearly over all
            blocks of the three stages. Defaults to 0.
        frozen_pos_embed (bool): Keep the position embedding frozen.
            Defaults to False: trained, at depth 0 of :meth:`get_layer_depth`
            (the configs also spare it weight decay).
        norm_cfg (dict): Norm of the stage-3 blocks. Defaults to
            ``dict(type='LN', eps=1e-6)``.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 arch: Union[str, dict] = 'b',
                 img_size: Union[int, Tuple[int, int]] = 1024,
                 window_size: int = 16,
                 global_attn_indexes: Sequence[int] = (0, 3, 6, 10),
                 use_rel_pos: bool = True,
                 drop_path_rate: float = 0.,
                 frozen_pos_embed: bool = False,
                 norm_cfg: dict = dict(type='LN', eps=1e-6),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            arch=arch,
            img_size=img_size,
            drop_path_rate=drop_path_rate,
            norm_cfg=norm_cfg,
            init_cfg=init_cfg)
        depth = len(self.layers)
        if window_size < 0:
            raise ValueError(f'ConvMAEViTDet: window_size must be >= 0, got '
                             f'{window_size}')
        bad = [i for i in global_attn_indexes if not 0 <= i < depth]
        if bad and window_size > 0:
            raise ValueError(f'ConvMAEViTDet: global_attn_indexes must be '
                             f'stage-3 blocks in [0, {depth - 1}], got {bad}')
        self.global_attn_indexes = tuple(global_attn_indexes)
        # frozen in pre-training (fixed sin-cos), trained in transfer
        self.pos_embed.requires_grad = not frozen_pos_embed
        # pre-training only: fusion into the last block and the final norm
        del self.fuse1, self.fuse2, self.ln1
        old = self.layers[0]
        heads = old.attn.num_heads
        depths = [len(self.blocks1), len(self.blocks2), depth]
        rates = np.linspace(0, drop_path_rate, sum(depths))[-depth:]
        self.layers = ModuleList(
            WindowBlock(
                self.embed_dims,
                heads,
                old.ffn.layers[0][0].out_features,
                drop_path_rate=float(rates[i]),
                qkv_bias=True,
                norm_cfg=norm_cfg,
                use_rel_pos=use_rel_pos,
                window_size=0 if i in global_attn_indexes else window_size,
                input_size=self.grid) for i in range(depth))
        self._register_load_state_dict_pre_hook(self._prepare_state_dict)

    def _prepare_state_dict(self, state_dict: dict, prefix: str, *args,
                            **kwargs) -> None:
        """Skip the pre-training-only weights of a :class:`ConvMAEViT`
        checkpoint; resize its (1, h * w, C) position grid, bicubic, to
        ``img_size``'s."""
        for key in [k for k in state_dict if k.startswith(prefix)]:
            if key[len(prefix):].startswith(PRETRAINING_ONLY):
                del state_dict[key]
        name = prefix + 'pos_embed'
        pos = state_dict.get(name)
        if pos is None or pos.shape == self.pos_embed.shape:
            return
        side = int(round(pos.shape[1]**0.5))
        if side * side != pos.shape[1]:
            raise ValueError(f'ConvMAEViTDet: pos_embed holds {pos.shape[1]} '
                             'positions, not a square grid')
        state_dict[name] = resize_pos_embed(
            pos, (side, side), self.grid, num_extra_tokens=0)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """Four levels of images (N, 3, H, W), H and W multiples of 16.

        Returns:
            Tuple[torch.Tensor, ...]: (N, C1, H / 4, W / 4), (N, C2, H / 8,
            W / 8), (N, C3, H / 16, W / 16), (N, C3, H / 32, W / 32).
        """
        self._check_input(x, masked=False)
        x = self.patch_embed1(x)
        for block in self.blocks1:
            x = block(x)
        stage1 = x
        x = self.patch_embed2(x)
        for block in self.blocks2:
            x = block(x)
        stage2 = x
        x = self.patch_embed3(x)
        h, w = x.shape[-2:]
        pos = self.pos_embed
        if (h, w) != self.grid:
            pos = resize_pos_embed(pos, self.grid, (h, w), num_extra_tokens=0)
        x = self.patch_proj(x.flatten(2).transpose(1, 2)) + pos  # (N, L, C)
        x = x.reshape(x.shape[0], h, w, -1)  # ViTSAM blocks take (N, h, w, C)
        for layer in self.layers:
            x = layer(x)
        stage3 = x.permute(0, 3, 1, 2)
        return stage1, stage2, stage3, F.max_pool2d(stage3, 2)

    def get_layer_depth(self,
                        param_name: str,
                        prefix: str = '') -> Tuple[int, int]:
        """Layer depth for layer-wise lr decay, as ConvMAE's classification
        (``util/lr_decay.py``) and segmentation code count it: the
        convolutional stages, every patch embedding and the position
        embedding are layer 0, stage-3 block ``i`` is layer ``i + 1``,
        everything else (``fc_norm``, necks, heads) layer ``depth + 1``.

        Returns:
            Tuple[int, int]: The depth and the number of depths,
            ``depth + 2``.
        """
        num_layers = len(self.layers) + 2
        if not param_name.startswith(prefix):
            return num_layers - 1, num_layers
        name = param_name[len(prefix):]
        if name.startswith('layers.'):
            return int(name.split('.')[1]) + 1, num_layers
        stem = ('pos_embed', 'patch_embed', 'patch_proj', 'blocks1.',
                'blocks2.')
        if name.startswith(stem):
            return 0, num_layers
        return num_layers - 1, num_layers
