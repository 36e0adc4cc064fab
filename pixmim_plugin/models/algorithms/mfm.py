from typing import Dict, List, Optional, Tuple

import torch
from mmpretrain.models import BaseSelfSupervisor
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ..corruptions import CorruptedBatch


@MODELS.register_module()
class MFM(BaseSelfSupervisor):
    """`Masked Frequency Modeling <https://arxiv.org/abs/2206.07706>`_.

    The whole image, corrupted in the frequency domain by ``corruption``
    (usually :class:`FrequencyCorruption`), goes through the backbone; the
    neck (mmpretrain's ``SimMIMLinearDecoder``: 1x1 conv + PixelShuffle)
    predicts the clean image from the last feature map, and the head's
    :class:`FrequencyLoss` compares the spectra on the bins the corruption
    removed. No tokens are dropped and there is no mask token. The
    corruption is drawn inside :meth:`loss`, on the batch's device, so any
    data pipeline and data preprocessor works; it is defined on pixels, with
    the preprocessor's normalisation (identity if it does not normalise).
    A corruption that computed the clean images' spectrum hands it to the
    loss; otherwise the loss gets the clean images.

    Args:
        backbone (dict): e.g. ``BEiTViT`` with ``out_type='featmap'`` or
            ``ResNet``; the last output is decoded.
        neck (dict): ``SimMIMLinearDecoder`` with the backbone's stride.
        head (dict): ``MIMHead`` with ``FrequencyLoss``.
        corruption (dict): The input corruption, a :class:`PixelCorruption`.
        pretrained (str, optional): A checkpoint to initialise the whole
            model from, as mmpretrain's ``BaseSelfSupervisor``. Defaults to
            None.
        data_preprocessor (dict, optional): As mmpretrain.
        init_cfg (dict, optional): As mmpretrain.
    """

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 head: dict,
                 corruption: dict,
                 pretrained: Optional[str] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            backbone=backbone,
            neck=neck,
            head=head,
            pretrained=pretrained,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.corruption = MODELS.build(corruption)

    def normalisation(
            self, inputs: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """The data preprocessor's ``(mean, std)``, (C, 1, 1); identity if it
        does not normalise."""
        pre = self.data_preprocessor
        if getattr(pre, '_enable_normalize', False):
            return pre.mean, pre.std
        ones = inputs.new_ones(inputs.shape[1], 1, 1)
        return ones * 0, ones

    def corrupt_and_predict(
            self, inputs: torch.Tensor) -> Dict[str, Optional[torch.Tensor]]:
        """One forward pass, with everything analysis tools need.

        Args:
            inputs (torch.Tensor): Normalised clean images (N, C, H, W).

        Returns:
            dict: ``corrupted`` (N, C, H, W) normalised input of the backbone,
            ``pred`` (N, C, H, W) normalised prediction, and the
            corruption's ``loss_mask`` and ``spectrum`` (see
            :class:`CorruptedBatch`; None when absent).
        """
        out = CorruptedBatch(
            *self.corruption(inputs, *self.normalisation(inputs)))
        pred = self.neck(self.backbone(out.corrupted)[-1])
        return dict(pred=pred, **out._asdict())

    def extract_feat(self, inputs: torch.Tensor) -> Tuple[torch.Tensor]:
        """Backbone features of clean images."""
        return self.backbone(inputs)

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """Corrupt, predict, and compare the spectra.

        Args:
            inputs (torch.Tensor): Normalised images (N, C, H, W).
            data_samples (List[DataSample]): Unused.

        Returns:
            Dict[str, torch.Tensor]: ``dict(loss=...)``.
        """
        out = self.corrupt_and_predict(inputs)
        target = inputs if out['spectrum'] is None else out['spectrum']
        return dict(loss=self.head.loss(out['pred'], target, out['loss_mask']))
