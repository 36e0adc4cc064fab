"""The key layout of the official MFM code (github.com/Jiahao000/MFM) and
this plugin's, both ways.

The official pre-training model is ``MFM(encoder, decoder)``: ``encoder.``
a BEiT-style ViT (timm names: ``blocks.N.norm1``, ``attn.q_bias`` /
``attn.v_bias``, ``mlp.fc1``, final ``norm``) or timm's ResNet, ``decoder.0``
the 1x1 conv before the pixel shuffle. Its fine-tuned ViT is the same
encoder without the ``encoder.`` prefix, with ``fc_norm`` over the mean
patch token and a ``head``; its fine-tuned ResNet-50 is timm's (``fc``).
Here they are mmpretrain's ``BEiTViT`` / ``ResNet`` under ``backbone.``,
``SimMIMLinearDecoder`` under ``neck.`` and ``LinearClsHead`` under
``head.fc.``. Every key is renamed, none is dropped or reshaped; a key
neither layout knows raises a ``ValueError`` naming it.
"""
import re
from typing import Dict, List, Optional, Tuple

import torch

StateDict = Dict[str, torch.Tensor]

# inside a ViT block: official prefix -> this plugin's (BEiTViT)
BLOCK = {
    'norm1.': 'ln1.',
    'norm2.': 'ln2.',
    'mlp.fc1.': 'ffn.layers.0.0.',
    'mlp.fc2.': 'ffn.layers.1.',
    'attn.': 'attn.',  # qkv.weight, q_bias, v_bias, proj, relative tables
    'gamma_1': 'gamma_1',  # LayerScale, when the encoder has it
    'gamma_2': 'gamma_2',
}
# outside the blocks
VIT = {
    'cls_token': 'cls_token',
    'pos_embed': 'pos_embed',
    'patch_embed.proj.': 'patch_embed.projection.',
    'norm.': 'ln1.',  # pre-training: final norm of every token
    'fc_norm.': 'ln2.',  # fine-tuning: norm of the mean patch token
}
RESNET = re.compile(r'(conv1|bn1|layer[1-4])\.')  # timm = mmpretrain names
# the official pre-training model's two parts, and the classifier's head
PRETRAINING = {'encoder.': 'backbone.', 'decoder.0.': 'neck.decoder.0.'}
HEADS = {'vit': ('head.', 'head.fc.'), 'resnet': ('fc.', 'head.fc.')}


def _rename(key: str, table: Dict[str, str]) -> Optional[str]:
    """``key`` with the longest matching prefix of ``table`` replaced."""
    for old in sorted(table, key=len, reverse=True):
        if key.startswith(old):
            return table[old] + key[len(old):]
    return None


def _invert(table: Dict[str, str]) -> Dict[str, str]:
    return {new: old for old, new in table.items()}


def _encoder_key(key: str, arch: str, official: bool) -> Optional[str]:
    """An encoder key, without prefix, in the other layout."""
    if arch == 'resnet':
        return key if RESNET.match(key) else None
    blocks, layers = ('blocks.', 'layers.') if official else ('layers.',
                                                              'blocks.')
    if key.startswith(blocks):
        index, rest = key[len(blocks):].split('.', 1)
        table = BLOCK if official else _invert(BLOCK)
        rest = _rename(rest, table)
        return None if rest is None else f'{layers}{index}.{rest}'
    return _rename(key, VIT if official else _invert(VIT))


def _arch(keys: List[str]) -> str:
    if any(re.search(r'(^|\.)(blocks|layers)\.0\.attn\.', k) for k in keys):
        return 'vit'
    if any(re.search(r'(^|\.)layer1\.0\.conv1\.weight$', k) for k in keys):
        return 'resnet'
    raise ValueError('neither a ViT nor a ResNet: no block 0 attention and '
                     'no layer1.0.conv1.weight among the keys')


def _classifier_key(key: str, arch: str, official: bool) -> Optional[str]:
    head_old, head_new = HEADS[arch] if official else HEADS[arch][::-1]
    if key.startswith(head_old):
        return head_new + key[len(head_old):]
    if official:
        inner = _encoder_key(key, arch, official)
        return inner and 'backbone.' + inner
    if key.startswith('backbone.'):
        return _encoder_key(key[len('backbone.'):], arch, official)
    return None


def _pretraining_key(key: str, arch: str, official: bool) -> Optional[str]:
    parts = PRETRAINING if official else _invert(PRETRAINING)
    encoder = 'encoder.' if official else 'backbone.'
    if key.startswith(encoder):
        inner = _encoder_key(key[len(encoder):], arch, official)
        return inner and parts[encoder] + inner
    return _rename(key, parts)  # the decoder's conv


def _convert(state: StateDict, official: bool) -> Tuple[StateDict, str]:
    arch = _arch(list(state))
    encoder = 'encoder.' if official else 'backbone.'
    pretraining = any(k.startswith(encoder) for k in state) and any(
        k.startswith('decoder.0.' if official else 'neck.') for k in state)
    rename = _pretraining_key if pretraining else _classifier_key
    out, unknown = {}, []
    for key, value in state.items():
        new = rename(key, arch, official)
        if new is None:
            unknown.append(key)
        else:
            out[new] = value
    if unknown:
        side = 'the official MFM' if official else 'this plugin\'s MFM'
        raise ValueError(f'{len(unknown)} keys are not in {side} layout '
                         f'({arch}): {unknown[:4]}')
    kind = 'pre-training model' if pretraining else 'classifier'
    return out, f'{arch} {kind}'


def from_mfm(state: StateDict) -> Tuple[StateDict, str]:
    """Rename an official MFM state dict to this plugin's names.

    Args:
        state (dict): The official checkpoint's ``model`` (pre-training:
            ``encoder.*`` and ``decoder.0.*``; fine-tuned: the bare ViT or
            timm ResNet with its head).

    Returns:
        tuple: The renamed state dict (same tensors) and what it is, e.g.
        ``'vit pre-training model'``.
    """
    return _convert(state, official=True)


def to_mfm(state: StateDict) -> Tuple[StateDict, str]:
    """The inverse of :func:`from_mfm`: this plugin's MFM model or classifier
    in the official code's names (e.g. to continue the authors' runs)."""
    return _convert(state, official=False)


def is_mfm(state: StateDict) -> bool:
    """Whether ``state`` is laid out as the official MFM code (or timm)
    saves it: an ``encoder.`` / ``decoder.0.`` pair, a bare BEiT-style ViT
    (``blocks.0.attn.q_bias``) or a bare timm ResNet with ``fc``."""
    keys = set(state)
    pretraining = 'decoder.0.weight' in keys and any(
        k.startswith('encoder.') for k in keys)
    vit = 'blocks.0.attn.q_bias' in keys
    resnet = {'layer1.0.conv1.weight', 'fc.weight'} <= keys
    return pretraining or vit or resnet
