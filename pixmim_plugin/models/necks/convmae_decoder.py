import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.models import MAEPretrainDecoder
from mmpretrain.models.utils import build_2d_sincos_position_embedding
from mmpretrain.registry import MODELS


@MODELS.register_module()
class ConvMAEPretrainDecoder(MAEPretrainDecoder):
    """MAE's decoder for an encoder without a class token (ConvMAE).

    :class:`mmpretrain.models.MAEPretrainDecoder` with a ``num_patches``
    position embedding (no class-token slot) and a forward that takes the
    visible tokens alone; the arguments are its. ConvMAE-B's decoder is
    ``embed_dim=768, decoder_embed_dim=512, decoder_depth=8,
    decoder_num_heads=16`` predicting ``patch_size=16`` patches.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.decoder_pos_embed = nn.Parameter(
            torch.zeros(1, self.num_patches, self.decoder_pos_embed.shape[-1]),
            requires_grad=False)

    def init_weights(self) -> None:
        """The init_cfg, then the frozen sin-cos position embedding and the
        mask token."""
        BaseModule.init_weights(self)  # the parent's assumes a class token
        self.decoder_pos_embed.data.copy_(
            build_2d_sincos_position_embedding(
                int(self.num_patches**.5),
                self.decoder_pos_embed.shape[-1]).float())
        torch.nn.init.normal_(self.mask_token, std=.02)

    def forward(self, x: torch.Tensor,
                ids_restore: torch.Tensor) -> torch.Tensor:
        """
        Args:
            x (torch.Tensor): Visible tokens (N, K, C) in encoder order.
            ids_restore (torch.Tensor): (N, L), where each patch sits in the
                visible-then-masked order.

        Returns:
            torch.Tensor: Per-patch predictions (N, L, p * p * in_chans).
        """
        x = self.decoder_embed(x)  # (N, K, D)
        n, k, d = x.shape
        masked = self.mask_token.expand(n, ids_restore.shape[1] - k, d)
        x = torch.cat([x, masked],
                      dim=1).gather(1,
                                    ids_restore[...,
                                                None].expand(-1, -1,
                                                             d))  # (N, L, D)
        x = x + self.decoder_pos_embed
        for block in self.decoder_blocks:
            x = block(x)
        return self.decoder_pred(self.decoder_norm(x))
