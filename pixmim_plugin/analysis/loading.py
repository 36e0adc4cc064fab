import os.path as osp
from typing import List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config
from mmengine.dataset import Compose, default_collate
from mmengine.registry import init_default_scope
from mmengine.runner import find_latest_checkpoint, load_state_dict
from mmpretrain.datasets import CustomDataset
from mmpretrain.registry import DATASETS, MODELS, TRANSFORMS

from pixmim_plugin.checkpoint import (CheckpointError, check_weights,
                                      load_checkpoint)


def build_trained_model(config: str,
                        checkpoint: str,
                        cfg_options: Optional[dict] = None,
                        trust: bool = False) -> Tuple[Config, torch.nn.Module]:
    """Build ``config``'s model (with its data preprocessor, as the Runner
    does) and load ``checkpoint``, a file or a work_dir (its latest
    checkpoint). The file is loaded weights-only, a raw training
    checkpoint included (``load_checkpoint``); ``trust`` loads it
    in full (only for trusted files that hold more). Returns ``(cfg,
    model)`` in eval mode; a ``CheckpointError`` where the file is not a
    checkpoint of the config's model (``check_weights``)."""
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    if osp.isdir(checkpoint):
        found = find_latest_checkpoint(checkpoint)
        if found is None:
            raise CheckpointError(
                f'{checkpoint}: a folder without last_checkpoint: give a '
                'checkpoint file or the work_dir of a run that saved one')
        checkpoint = found
    if cfg.get('data_preprocessor'):
        cfg.model.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(cfg.model).eval()
    state = load_checkpoint(checkpoint, trusted=trust)
    state = state.get('state_dict', state)
    check_weights(model, state, checkpoint, f'{cfg.model.type} ({config})')
    load_state_dict(model, state)
    return cfg, model


def first_of_each_class(cfg: Config, split: str = 'val') -> List[str]:
    """Image paths: the first image of each class of ``split`` of the
    config's training dataset (its data_root)."""
    dataset_cfg = cfg.train_dataloader.dataset.copy()
    dataset_cfg.update(split=split, pipeline=[])
    dataset = DATASETS.build(dataset_cfg)
    seen, files = set(), []
    for info in map(dataset.get_data_info, range(len(dataset))):
        if info['gt_label'] not in seen:
            seen.add(info['gt_label'])
            files.append(info['img_path'])
    return files


def image_files(data_root: str,
                folder: str = '',
                num: Optional[int] = None) -> List[str]:
    """The first ``num`` images (all by default) under
    ``data_root/folder``, sorted as mmpretrain's ``CustomDataset`` lists them
    (class subfolders or a flat folder)."""
    dataset = CustomDataset(
        data_root=data_root, data_prefix=folder, with_label=False)
    files = [dataset.get_data_info(i)['img_path'] for i in range(len(dataset))]
    return files[:num]


def load_images(files: Sequence[str], size: int, **resize) -> torch.Tensor:
    """Shorter edge to ``size`` (bilinear unless ``resize`` gives
    ``ResizeEdge`` other arguments), centre crop: uint8 images
    (N, C, size, size) as the data pipeline yields them (BGR)."""
    # built from mmpretrain's registry: works whatever the default scope
    pipeline = Compose([
        TRANSFORMS.build(step) for step in (
            dict(type='LoadImageFromFile'),
            dict(type='ResizeEdge', scale=size, edge='short', **resize),
            dict(type='CenterCrop', crop_size=size),
            dict(type='PackInputs'),
        )
    ])
    return default_collate([pipeline(dict(img_path=f))
                            for f in files])['inputs']


def load_inputs(model: torch.nn.Module, files: Sequence[str],
                size: int) -> torch.Tensor:
    """:func:`load_images` then the model's preprocessing: normalised images
    (N, C, size, size)."""
    batch = dict(inputs=load_images(files, size), data_samples=None)
    return model.data_preprocessor(batch)['inputs']
