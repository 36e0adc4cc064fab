import glob
import importlib
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.hub import get_config
from mmengine.registry import MODELS, TRANSFORMS, init_default_scope

import pixmim_plugin  # noqa: F401

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = sorted(
    osp.relpath(p, ROOT) for p in glob.glob(
        osp.join(ROOT, 'configs', '**', '*.py'), recursive=True))

# (PixMIM config, its MAE baseline)
PAIRS = [
    ('configs/pixmim_mae_vit-b.py', 'configs/mae_vit-b.py'),
    ('configs/pixmim_mae_vit-b_300e.py', 'configs/mae_vit-b_300e.py'),
    ('configs/pixmim_mae_vit-b_1600e.py', 'configs/mae_vit-b_1600e.py'),
    ('configs/pixmim_mae_vit-l_1600e.py', 'configs/mae_vit-l_1600e.py'),
    ('configs/pixmim_mae_vit-s_1600e.py', 'configs/mae_vit-s_1600e.py'),
    ('configs/demo/pixmim_vit-tiny-p8_shapes.py',
     'configs/demo/mae_vit-tiny-p8_shapes.py'),
]
# What PixMIM changes: the algorithm, its target and the crop.
PIXMIM_KEYS = ('model.type', 'model.target_generator', 'train_pipeline',
               'train_dataloader.dataset.pipeline')
STOCK = {
    'configs/mae_vit-b.py':
    'mae/mae_vit-base-p16_8xb512-amp-coslr-800e_in1k',
    'configs/mae_vit-b_300e.py':
    'mae/mae_vit-base-p16_8xb512-amp-coslr-300e_in1k',
    'configs/mae_vit-b_1600e.py':
    'mae/mae_vit-base-p16_8xb512-amp-coslr-1600e_in1k',
    'configs/mae_vit-l_1600e.py':
    'mae/mae_vit-large-p16_8xb512-amp-coslr-1600e_in1k',
}


def load(path: str) -> Config:
    return Config.fromfile(osp.join(ROOT, path))


def flatten(value, prefix=''):
    """{'a.b.0.c': leaf} for nested dicts and lists; `_scope_` dropped."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        return {prefix: value}
    out = {}
    for key, sub in items:
        if key != '_scope_':
            out.update(flatten(sub, f'{prefix}.{key}' if prefix else str(key)))
    return out


def differing_keys(a: Config, b: Config):
    fa, fb = flatten(a.to_dict()), flatten(b.to_dict())
    return {k for k in fa.keys() | fb.keys() if fa.get(k) != fb.get(k)}


@pytest.mark.parametrize('path', CONFIGS)
def test_config_builds(path):
    cfg = load(path)
    scope = cfg.default_scope
    pytest.importorskip(scope, reason=f'needs {scope}: make install-full')
    imports = cfg.custom_imports['imports']
    assert [name for name in imports if name.startswith('pixmim_plugin')]
    for name in imports:
        importlib.import_module(name)
    # the root registries build in the config's scope (mmpretrain, mmdet or
    # mmseg)
    init_default_scope(cfg.default_scope)
    model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) > 0
    dataset = cfg.train_dataloader.dataset
    for step in dataset.get('dataset', dataset).pipeline:  # RepeatDataset
        TRANSFORMS.build(step)
    collate = cfg.train_dataloader.get('collate_fn', {})
    assert '_scope_' not in collate, 'default_collate would get _scope_'


@pytest.mark.parametrize('pixmim,baseline', PAIRS)
def test_pixmim_differs_from_baseline_only_where_pixmim_does(pixmim, baseline):
    a, b = load(pixmim), load(baseline)
    for key in differing_keys(a, b):
        assert key.startswith(PIXMIM_KEYS), f'{pixmim} changes {key}'
    assert a.model.type == 'PixMIM' and b.model.type == 'MAE'
    assert a.model.target_generator.type == 'LowFreqTargetGenerator'
    crop = a.train_dataloader.dataset.pipeline[1]
    assert crop.type == 'SimpleResizedCrop' and crop.padding == 4
    assert crop.interpolation == 'bilinear'


@pytest.mark.parametrize('baseline,stock', sorted(STOCK.items()))
def test_baselines_are_the_stock_configs(baseline, stock):
    keys = differing_keys(
        load(baseline), get_config(f'mmpretrain::{stock}.py'))
    assert keys <= {
        'custom_imports.imports.0', 'custom_imports.allow_failed_imports'
    }, keys


def test_paper_recipe():
    cfg = load('configs/pixmim_mae_vit-b.py')
    assert cfg.model.target_generator.radius == 40
    assert cfg.train_cfg.max_epochs == 800
    assert cfg.optim_wrapper.optimizer.lr == pytest.approx(1.5e-4 * 16)
    assert cfg.auto_scale_lr.base_batch_size == 4096
    assert cfg.resume is True
