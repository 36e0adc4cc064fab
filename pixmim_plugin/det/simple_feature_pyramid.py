from typing import Optional, Sequence, Tuple

import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule, build_norm_layer
from mmdet.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor


@MODELS.register_module()
class SimpleFeaturePyramid(BaseModule):
    """The simple feature pyramid of ViTDet (Li et al., 2022).

    Builds multi-scale maps from the single stride-16 map of a plain ViT:
    two stride-2 deconvolutions (with a norm and GELU between) for x4, one
    for x2, identity for x1, 2x2 max pooling for x0.5; each then goes through
    a 1x1 and a 3x3 convolution with a norm. Extra levels (P6 for the RPN)
    are stride-2 subsamplings of the last one, as in Mask R-CNN's FPN.

    Args:
        in_channels (int): Channels of the backbone's map.
        out_channels (int): Channels of every output level.
        scale_factors (Sequence[float]): One pyramid level per factor, each
            one of 4, 2, 1 or 0.5. Defaults to (4.0, 2.0, 1.0, 0.5).
        num_outs (int): Number of output levels, at least
            ``len(scale_factors)``. Defaults to 5.
        norm_cfg (dict, optional): Norm of the convolutions. Defaults to
            None: a channels-first LayerNorm as in ViTDet,
            ``dict(type='mmpretrain.LN2d', eps=1e-6)``.
        init_cfg (dict, optional): Initialization config dict.
    """
    STAGES = (4.0, 2.0, 1.0, 0.5)

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 scale_factors: Sequence[float] = STAGES,
                 num_outs: int = 5,
                 norm_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg)
        if norm_cfg is None:
            norm_cfg = dict(type='mmpretrain.LN2d', eps=1e-6)
        bad = [s for s in scale_factors if s not in self.STAGES]
        if bad or not scale_factors:
            raise ValueError(f'scale_factors must be non-empty values from '
                             f'{self.STAGES}, got {tuple(scale_factors)}')
        if num_outs < len(scale_factors):
            raise ValueError(f'num_outs must be >= len(scale_factors) = '
                             f'{len(scale_factors)}, got {num_outs}')
        self.num_outs = num_outs
        self.stages = nn.ModuleList()
        for scale in scale_factors:
            resample, channels = self._resample(scale, in_channels, norm_cfg)
            self.stages.append(
                nn.Sequential(
                    resample,
                    ConvModule(
                        channels,
                        out_channels,
                        1,
                        norm_cfg=norm_cfg,
                        act_cfg=None),
                    ConvModule(
                        out_channels,
                        out_channels,
                        3,
                        padding=1,
                        norm_cfg=norm_cfg,
                        act_cfg=None)))

    @staticmethod
    def _resample(scale: float, dim: int,
                  norm_cfg: dict) -> Tuple[nn.Module, int]:
        if scale == 4.0:
            return nn.Sequential(
                nn.ConvTranspose2d(dim, dim // 2, 2, stride=2),
                build_norm_layer(norm_cfg, dim // 2)[1], nn.GELU(),
                nn.ConvTranspose2d(dim // 2, dim // 4, 2, stride=2)), dim // 4
        if scale == 2.0:
            return nn.ConvTranspose2d(dim, dim // 2, 2, stride=2), dim // 2
        if scale == 1.0:
            return nn.Identity(), dim
        return nn.MaxPool2d(2, stride=2), dim

    def forward(self, inputs: Tuple[Tensor]) -> Tuple[Tensor]:
        """Pyramid from the last map of ``inputs``, finest level first."""
        outs = [stage(inputs[-1]) for stage in self.stages]
        while len(outs) < self.num_outs:
            outs.append(F.max_pool2d(outs[-1], 1, stride=2))
        return tuple(outs)
