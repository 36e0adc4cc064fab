"""The convolutional pieces of ConvMAE's encoder (stages 1 and 2)."""
from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn.bricks import DropPath
from mmpretrain.models.utils import LayerNorm2d

# The official code normalises its convolutional stages with
# nn.LayerNorm's default eps (its 1e-6 ``norm_layer`` reaches only the
# transformer blocks and the final norm).
CONV_LN_EPS = 1e-5


class ConvPatchEmbed(nn.Module):
    """A strided convolution (kernel = stride = ``patch_size``), LayerNorm
    over channels and GELU: ConvMAE's patch embedding between stages.

    Args:
        in_channels (int): Channels of the input map.
        out_channels (int): Channels of the output map.
        patch_size (int): Kernel size and stride.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 patch_size: int) -> None:
        super().__init__()
        self.projection = nn.Conv2d(
            in_channels, out_channels, patch_size, stride=patch_size)
        self.ln = LayerNorm2d(out_channels, eps=CONV_LN_EPS)
        self.act = nn.GELU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, H, W) -> (N, C_out, H / p, W / p)."""
        return self.act(self.ln(self.projection(x)))


class ConvMAEBlock(nn.Module):
    """ConvMAE's masked convolution block.

    A token mixer ``LN -> 1x1 conv -> x visibility -> 5x5 depthwise conv
    -> 1x1 conv`` and an MLP of 1x1 convolutions (hidden ``mlp_ratio * C``),
    each a residual branch with drop path. The visibility map multiplies the
    features right before the only spatial operation, so a visible position
    never reads a masked one; masked positions still update their own
    features (everything else acts per position), which the encoder drops
    at the transformer stage.

    Args:
        channels (int): Channels C.
        mlp_ratio (float): Hidden channels of the MLP over C. Defaults to 4.
        drop_path_rate (float): Stochastic depth rate. Defaults to 0.
    """

    def __init__(self,
                 channels: int,
                 mlp_ratio: float = 4.,
                 drop_path_rate: float = 0.) -> None:
        super().__init__()
        hidden = int(channels * mlp_ratio)
        self.ln1 = LayerNorm2d(channels, eps=CONV_LN_EPS)
        self.conv1 = nn.Conv2d(channels, channels, 1)
        self.dwconv = nn.Conv2d(
            channels, channels, 5, padding=2, groups=channels)
        self.conv2 = nn.Conv2d(channels, channels, 1)
        self.ln2 = LayerNorm2d(channels, eps=CONV_LN_EPS)
        self.mlp = nn.Sequential(
            nn.Conv2d(channels, hidden, 1), nn.GELU(),
            nn.Conv2d(hidden, channels, 1))
        self.drop_path = DropPath(
            drop_path_rate) if drop_path_rate > 0 else nn.Identity()

    def forward(self,
                x: torch.Tensor,
                visible: Optional[torch.Tensor] = None) -> torch.Tensor:
        """
        Args:
            x (torch.Tensor): Features (N, C, H, W).
            visible (torch.Tensor, optional): (N, 1, H, W), 1 where the
                position is visible, 0 where it is masked; None: all
                visible.

        Returns:
            torch.Tensor: Features (N, C, H, W).
        """
        y = self.conv1(self.ln1(x))
        if visible is not None:
            y = y * visible  # masked positions reach no neighbour
        x = x + self.drop_path(self.conv2(self.dwconv(y)))
        return x + self.drop_path(self.mlp(self.ln2(x)))
