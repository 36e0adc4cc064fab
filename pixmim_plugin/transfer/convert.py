import os
import os.path as osp
import tempfile
from typing import Dict, List, Tuple

import torch

from .layouts import state_dict_of, to_plugin_layout

# encoder type -> a key only its pre-training checkpoints hold
ENCODERS = {
    'MAEViT': 'backbone.layers.0.attn.qkv.bias',  # MAE, PixMIM
    'BEiTViT': 'backbone.layers.0.attn.q_bias',  # MFM
    'ResNet': 'backbone.layer1.0.conv1.weight',  # MFM ResNet-50
    'ConvMAEViT': 'backbone.blocks1.0.dwconv.weight',  # ConvMAE, PixMIM
}
# encoders whose checkpoints also hold another one's key: ConvMAE's stage 3
# is named as MAE's blocks
CONTAINS = {'ConvMAEViT': 'MAEViT'}
# what each target library loads, and from which encoders; 'model' is the
# whole model in this plugin's names (pre-training model or classifier)
TARGETS = {
    'mmpretrain': ('MAEViT', 'BEiTViT', 'ResNet', 'ConvMAEViT'),
    'mmseg': ('MAEViT', 'BEiTViT', 'ConvMAEViT'),
    'mmdet': ('MAEViT', 'BEiTViT', 'ConvMAEViT'),
    'model': ('MAEViT', 'BEiTViT', 'ResNet', 'ConvMAEViT'),
}
# what only ConvMAE's pre-training uses: the fusion of stages 1 and 2 into
# the last block and the final norm (ConvMAEViTDet builds neither)
CONVMAE_PRETRAINING = ('fuse1.', 'fuse2.', 'ln1.')
# keys only a pre-training model's decoder has: MAE's and SimMIM's necks
PRETRAINING_KEYS = ('neck.decoder_embed.weight', 'neck.decoder.0.weight')


def encoder_type(state_dict: Dict[str, torch.Tensor]) -> str:
    """The encoder type of a model's ``state_dict`` (encoder under
    ``backbone.``, pre-training model or classifier); ``''`` if none or
    several match."""
    found = [name for name, key in ENCODERS.items() if key in state_dict]
    found = [n for n in found if n not in {CONTAINS.get(f) for f in found}]
    return found[0] if len(found) == 1 else ''


def detect_encoder(state_dict: Dict[str, torch.Tensor]) -> str:
    """The encoder type of a pre-training ``state_dict`` (with its
    ``backbone.`` prefix); a clear ``ValueError`` for anything else."""
    found = encoder_type(state_dict)
    has_decoder = any(key in state_dict for key in PRETRAINING_KEYS)
    if not found or not has_decoder:
        raise ValueError(
            'not a pre-training checkpoint of a known encoder: expected an '
            f"mmpretrain self-supervised model's state_dict with one of "
            f'{sorted(ENCODERS)} under `backbone.` and its pre-training '
            f'decoder ({" or ".join(PRETRAINING_KEYS)}); a classifier or '
            'detector checkpoint, or a converted file, is not converted: '
            'pass the pre-training run\'s checkpoint')
    return found


def _plain_vit(backbone: Dict[str, torch.Tensor], encoder: str,
               report: List[str]) -> Dict[str, torch.Tensor]:
    """The encoder as mmseg's ``MAE`` backbone (BEiT layers with absolute
    position embedding) and mmpretrain's ``ViTSAM`` name it: mmpretrain's
    layer names, a full qkv bias, no final norm."""
    out = {}
    for key, value in backbone.items():
        if key.startswith('ln1.'):
            report.append(f'dropped {key} (no final norm downstream)')
            continue
        if key.endswith(('attn.q_bias', 'attn.v_bias')):
            continue
        out[key] = value
    if encoder == 'BEiTViT':
        for key in [k for k in backbone if k.endswith('attn.q_bias')]:
            prefix = key[:-len('q_bias')]
            q, v = backbone[key], backbone[prefix + 'v_bias']
            # A key bias shifts every logit of a query alike, so softmax
            # ignores it: zero is exact.
            out[prefix + 'qkv.bias'] = torch.cat([q, torch.zeros_like(q), v])
        report.append('merged q_bias and v_bias into qkv.bias (k bias 0) in '
                      f'{len([k for k in backbone if "q_bias" in k])} blocks')
    return out


def _vitdet(vit: Dict[str, torch.Tensor],
            report: List[str]) -> Dict[str, torch.Tensor]:
    """``ViTSAM`` has no class token and keeps its position embedding as a
    (1, H, W, C) grid, which it interpolates to the detector's input."""
    extra = [k for k in vit if 'gamma_' in k or 'relative_position' in k]
    if 'pos_embed' not in vit or extra:
        raise ValueError(
            'ViTSAM needs an absolute position embedding and has no '
            'LayerScale or BEiT relative position bias; this encoder has '
            f'pos_embed: {"pos_embed" in vit}, other keys: {extra[:4]}')
    out = {k: v for k, v in vit.items() if k != 'cls_token'}
    pos = vit['pos_embed'][:, 1:]  # the class token's row goes
    side = int(round(pos.shape[1]**0.5))
    if side * side != pos.shape[1]:
        raise ValueError(f'pos_embed holds {pos.shape[1]} patch positions, '
                         'not a square grid')
    out['pos_embed'] = pos.reshape(1, side, side, pos.shape[2])
    report.append('dropped cls_token and its pos_embed row; pos_embed '
                  f'reshaped to {tuple(out["pos_embed"].shape)}')
    return out


def _convmae(backbone: Dict[str, torch.Tensor],
             report: List[str]) -> Dict[str, torch.Tensor]:
    """The encoder as ``ConvMAEViTDet`` names it (mmdet and mmseg alike):
    :class:`ConvMAEViT`'s names without the pre-training-only fusion and
    final norm; the (1, h * w, C) position grid is resized on loading."""
    out = {
        k: v
        for k, v in backbone.items() if not k.startswith(CONVMAE_PRETRAINING)
    }
    dropped = sorted({k.split('.')[0] for k in backbone if k not in out})
    report.append(f'dropped {len(backbone) - len(out)} tensors of {dropped} '
                  '(pre-training fusion and final norm)')
    return out


def convert_checkpoint(
        checkpoint: dict,
        target: str,
        source: str = 'auto'
) -> Tuple[Dict[str, torch.Tensor], str, List[str]]:
    """Convert a pre-training checkpoint for ``target``.

    Args:
        checkpoint (dict): A loaded checkpoint (weights under
            ``state_dict`` or ``model``, or a bare state dict).
        target (str): 'mmpretrain' (keys ``backbone.*``, loadable with
            ``init_cfg=dict(type='Pretrained', prefix='backbone.')``) or
            'mmseg' (the keys of mmseg's ``MAE`` backbone, no prefix) or
            'mmdet' (the keys of mmpretrain's ``ViTSAM``, no prefix); a
            ConvMAE encoder goes to ``ConvMAEViTDet``'s keys for both.
            'model': the whole model in this plugin's names, for
            ``load_from``; the only target that also takes a classifier.
        source (str): The checkpoint's key layout: 'auto' (detected),
            'plugin' (this plugin's and mmpretrain's names), 'mmselfsup' or
            'mfm' (the official MFM code); see
            :func:`pixmim_plugin.transfer.layouts.to_plugin_layout`.
            Defaults to 'auto'.

    Returns:
        tuple: The new state dict, the encoder type, and a report (one line
        per decision).
    """
    if target not in TARGETS:
        raise ValueError(f'target must be one of {sorted(TARGETS)}, got '
                         f'{target!r}')
    state, layout, report = to_plugin_layout(state_dict_of(checkpoint), source)
    if target == 'model':
        encoder = encoder_type(state)
        if not encoder:
            raise ValueError(
                f'no known encoder under `backbone.` (one of '
                f'{sorted(ENCODERS)}) in this {layout}-layout checkpoint')
        return state, encoder, [
            f'{encoder} model: {len(state)} tensors in this plugin\'s names',
            *report
        ]
    encoder = detect_encoder(state)
    if encoder not in TARGETS[target]:
        raise ValueError(f'{encoder} encoders cannot go to {target}; '
                         f'{target} takes {TARGETS[target]}')
    backbone = {
        k[len('backbone.'):]: v
        for k, v in state.items() if k.startswith('backbone.')
    }
    report = [
        f'{encoder} encoder: {len(backbone)} tensors kept, '
        f'{len(state) - len(backbone)} pre-training-only tensors dropped',
        *report
    ]
    if target == 'mmpretrain':
        out = {f'backbone.{k}': v for k, v in backbone.items()}
    elif encoder == 'ConvMAEViT':
        return _convmae(backbone, report), encoder, report
    else:
        out = _plain_vit(backbone, encoder, report)
    if target == 'mmdet':
        out = _vitdet(out, report)
    return out, encoder, report


def save_converted(state_dict: Dict[str, torch.Tensor], meta: dict,
                   path: str) -> None:
    """Write ``dict(state_dict=..., meta=...)`` of plain tensors and data
    (loadable with ``weights_only=True``), atomically: a failed write
    leaves no file."""
    directory = osp.dirname(osp.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix='.part')
    os.close(fd)
    try:
        torch.save(
            dict(
                state_dict={
                    k: v.detach().cpu().contiguous()
                    for k, v in state_dict.items()
                },
                meta=meta), tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp made it owner-only
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
