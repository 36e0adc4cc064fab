from typing import Optional, Tuple, Union

import torch
from mmcv.cnn import build_norm_layer
from mmpretrain.registry import MODELS

from .convmae_vitdet import ConvMAEViTDet


@MODELS.register_module()
class ConvMAEViTCls(ConvMAEViTDet):
    """ConvMAE's encoder for ImageNet classification, as ConvMAE's
    fine-tuning and linear-probing model (``ConvViT`` with ``global_pool``):
    the three stages with global attention, the stage-3 tokens averaged,
    then a new LayerNorm (``fc_norm``). Neither the pre-training fusion of
    stages 1-2 nor the pre-trained final norm is used. The position
    embedding is trained when fine-tuning, as the official classifier does.

    Args:
        arch (str | dict): As :class:`ConvMAEViT`. Defaults to ``'b'``.
        img_size (int | tuple): Input size. Defaults to 224.
        frozen (bool): Linear probing: every weight frozen, ``fc_norm``
            included (a LayerNorm without affine, as ConvMAE's probe) and
            the encoder kept in eval mode. Defaults to False.
        drop_path_rate (float): Stochastic depth over all blocks. Defaults
            to 0.
        norm_cfg (dict): Norm of the stage-3 blocks and ``fc_norm``.
            Defaults to ``dict(type='LN', eps=1e-6)``.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 arch: Union[str, dict] = 'b',
                 img_size: Union[int, Tuple[int, int]] = 224,
                 frozen: bool = False,
                 drop_path_rate: float = 0.,
                 norm_cfg: dict = dict(type='LN', eps=1e-6),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            arch=arch,
            img_size=img_size,
            window_size=0,
            global_attn_indexes=(),
            use_rel_pos=False,
            drop_path_rate=drop_path_rate,
            norm_cfg=norm_cfg,
            init_cfg=init_cfg)
        self.fc_norm = build_norm_layer(norm_cfg, self.embed_dims)[1]
        self.frozen = frozen
        if frozen:
            for param in self.parameters():
                param.requires_grad = False

    def train(self, mode: bool = True) -> 'ConvMAEViTCls':
        super().train(mode and not self.frozen)
        return self

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        """Images (N, 3, H, W) -> ``((N, C),)``: the normalised average of
        the stage-3 tokens."""
        stage3 = super().forward(x)[2]  # (N, C, H / 16, W / 16)
        return (self.fc_norm(stage3.mean((2, 3))), )
