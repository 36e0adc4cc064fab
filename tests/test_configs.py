import glob
import importlib
import os.path as osp
import re

import pytest
from helpers import differing_keys
from helpers import load_config as load
from mmengine.hub import get_config
from mmengine.registry import MODELS, TRANSFORMS, init_default_scope

import pixmim_plugin  # noqa: F401

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# every runnable config; `_base_/` holds fragments that only complete others
CONFIGS = sorted(
    osp.relpath(p, ROOT) for p in glob.glob(
        osp.join(ROOT, 'configs', '**', '*.py'), recursive=True)
    if '_base_' not in osp.relpath(p, ROOT).split(osp.sep))

RUNS = [('base', 300), ('base', 800), ('base', 1600), ('small', 1600),
        ('large', 1600)]


def pretraining(algorithm: str, size: str, epochs: int) -> str:
    """A pre-training config, named as mmpretrain names its MAE configs."""
    return (f'configs/pixmim/{algorithm}_vit-{size}-p16_8xb512-amp-coslr-'
            f'{epochs}e_in1k.py')


MFF = 'configs/mff/mff_vit-base-p16_8xb512-amp-coslr-800e_in1k.py'
PIXMIM_MFF = ('configs/mff/'
              'pixmim-mff_vit-base-p16_8xb512-amp-coslr-800e_in1k.py')
SIMMIM = ('configs/simmim/'
          'simmim_swin-base-w6_16xb128-amp-coslr-800e_in1k-192px.py')
PIXMIM_SIMMIM = (
    'configs/simmim/'
    'pixmim-simmim_swin-base-w6_16xb128-amp-coslr-800e_in1k-192px.py')

# the documented short names: each is exactly its full-name config
ALIASES = {
    'configs/pixmim_mae_vit-b.py': pretraining('pixmim', 'base', 800),
    'configs/pixmim_mae_vit-b_300e.py': pretraining('pixmim', 'base', 300),
    'configs/pixmim_mae_vit-b_1600e.py': pretraining('pixmim', 'base', 1600),
    'configs/pixmim_mae_vit-s_1600e.py': pretraining('pixmim', 'small', 1600),
    'configs/pixmim_mae_vit-l_1600e.py': pretraining('pixmim', 'large', 1600),
    'configs/mae_vit-b.py': pretraining('mae', 'base', 800),
    'configs/mae_vit-b_300e.py': pretraining('mae', 'base', 300),
    'configs/mae_vit-b_1600e.py': pretraining('mae', 'base', 1600),
    'configs/mae_vit-s_1600e.py': pretraining('mae', 'small', 1600),
    'configs/mae_vit-l_1600e.py': pretraining('mae', 'large', 1600),
    'configs/mff_vit-b.py': MFF,
    'configs/pixmim_mff_vit-b.py': PIXMIM_MFF,
    'configs/simmim_swin-b.py': SIMMIM,
    'configs/pixmim_simmim_swin-b.py': PIXMIM_SIMMIM,
}
# (PixMIM config, its MAE baseline)
PAIRS = [(pretraining('pixmim', *run), pretraining('mae', *run))
         for run in RUNS]
PAIRS.append(('configs/demo/pixmim_vit-tiny-p8_1xb32-600it_shapes.py',
              'configs/demo/mae_vit-tiny-p8_1xb32-600it_shapes.py'))
PAIRS += [(PIXMIM_MFF, MFF), (PIXMIM_SIMMIM, SIMMIM),
          ('configs/demo/pixmim-mff_vit-tiny-p8_1xb32-600it_shapes.py',
           'configs/demo/mff_vit-tiny-p8_1xb32-600it_shapes.py')]
# the PixMIM algorithm of each baseline algorithm
PIXMIM_OF = {'MAE': 'PixMIM', 'MFF': 'PixMIMMFF', 'SimMIM': 'PixMIMSimMIM'}
LSMAE = 'configs/lsmae/{}_vit-base-p16_8xb256-amp-coslr-800e_in1k-448px.py'
ALIASES.update({
    'configs/lsmae_vit-b.py': LSMAE.format('lsmae'),
    'configs/pixmim_lsmae_vit-b.py': LSMAE.format('pixmim-lsmae'),
})
PAIRS += [(LSMAE.format('pixmim-lsmae'), LSMAE.format('lsmae')),
          ('configs/demo/pixmim-lsmae_vit-tiny-p4_1xb32-600it_shapes.py',
           'configs/demo/lsmae_vit-tiny-p4_1xb32-600it_shapes.py')]
CONVMAE = 'configs/convmae/{}_convvit-base-p16_8xb512-amp-coslr-800e_in1k.py'
CONVMAE_DEMO = 'configs/demo/{}_convvit-tiny-p8_1xb32-600it_shapes.py'
for name in ('convmae', 'pixmim_convmae'):
    ALIASES[f'configs/{name}_convvit-b.py'] = CONVMAE.format(
        name.replace('_', '-'))
PAIRS += [(CONVMAE.format('pixmim-convmae'), CONVMAE.format('convmae')),
          (CONVMAE_DEMO.format('pixmim-convmae'),
           CONVMAE_DEMO.format('convmae'))]
# What PixMIM changes: the algorithm, its target and the crop.
PIXMIM_KEYS = ('model.type', 'model.target_generator', 'train_pipeline',
               'train_dataloader.dataset.pipeline')
# What every config adds to the stock one it inherits: the plugin, its
# runner, and the speed settings (fused optimizer, autocast dtype by device).
WIRING = {
    'custom_imports.imports.0', 'custom_imports.allow_failed_imports',
    'runner_type', 'optim_wrapper.type', 'optim_wrapper.optimizer.fused'
}


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


def name_figures(path: str) -> dict:
    """What an OpenMMLab config name states: ``gpus`` and ``batch`` (per
    GPU) from ``8xb512``, ``epochs`` from ``800e``, ``iters`` from ``160k``
    or ``600it``."""
    figures = {}
    for token in re.split('[_-]', osp.basename(path)[:-len('.py')]):
        if match := re.fullmatch(r'(\d+)xb(\d+)', token):
            figures['gpus'], figures['batch'] = map(int, match.groups())
        elif match := re.fullmatch(r'(\d+)(e|k|it)', token):
            number, unit = int(match[1]), match[2]
            if unit == 'e':
                figures['epochs'] = number
            else:
                figures['iters'] = number * (1000 if unit == 'k' else 1)
    return figures


@pytest.mark.parametrize('path', [p for p in CONFIGS if p not in ALIASES])
def test_name_states_the_config(path):
    """gpus x batch and the schedule in the file name are the config's."""
    figures = name_figures(path)
    assert {'gpus', 'batch'} <= figures.keys(), path
    assert figures.keys() & {'epochs', 'iters'}, path
    cfg = load(path)
    assert cfg.train_dataloader.batch_size == figures['batch']
    if cfg.get('auto_scale_lr', {}).get('base_batch_size'):
        assert cfg.auto_scale_lr.base_batch_size == (
            figures['gpus'] * figures['batch'])
    by_epoch = 'epochs' in figures
    if by_epoch:
        dataset = cfg.train_dataloader.dataset
        repeats = dataset.times if dataset.type == 'RepeatDataset' else 1
        assert cfg.train_cfg.max_epochs * repeats == figures['epochs']
        end = cfg.train_cfg.max_epochs
    else:
        assert cfg.train_cfg.max_iters == figures['iters']
        end = figures['iters']
    # the learning rate schedule ends where training does (a scheduler
    # without `end` runs to the end)
    assert max(
        s.get('end', end) for s in cfg.param_scheduler
        if s.get('by_epoch', True) == by_epoch) == end


def test_every_top_level_config_is_a_documented_alias():
    top = {p for p in CONFIGS if osp.dirname(p) == 'configs'}
    assert top == set(ALIASES)


@pytest.mark.parametrize('alias,full', sorted(ALIASES.items()))
def test_alias_is_its_full_name_config(alias, full):
    assert load(alias).to_dict() == load(full).to_dict()


@pytest.mark.parametrize('pixmim,baseline', PAIRS)
def test_pixmim_differs_from_baseline_only_where_pixmim_does(pixmim, baseline):
    a, b = load(pixmim), load(baseline)
    for key in differing_keys(a, b):
        assert key.startswith(PIXMIM_KEYS), f'{pixmim} changes {key}'
    assert a.model.type == PIXMIM_OF[b.model.type]
    assert a.model.target_generator.type == 'LowFreqTargetGenerator'
    crop = a.train_dataloader.dataset.pipeline[1]
    assert crop.type == 'SimpleResizedCrop' and crop.padding == 4
    assert crop.interpolation == 'bilinear'


@pytest.mark.parametrize('size,epochs', RUNS)
def test_baselines_are_the_stock_configs(size, epochs):
    """Each MAE baseline is the mmpretrain config of its name."""
    baseline, changes = pretraining('mae', size, epochs), set()
    if size == 'small':  # no stock ViT-S MAE: ViT-B's with a DeiT-S encoder
        size, changes = 'base', {'model.backbone.arch', 'model.neck.embed_dim'}
    stock = osp.basename(pretraining('mae', size, epochs))
    keys = differing_keys(
        load(baseline), get_config(f'mmpretrain::mae/{stock}'))
    assert keys == WIRING | changes


def test_mff_baseline_restores_mae_crop():
    """mmpretrain's MFF config crops as Simple Resized Crop does (torchvision
    Resize + RandomCrop with reflect padding); the baseline crops as MAE,
    and only the pipeline differs from the stock config."""
    stock = get_config(f'mmpretrain::mff/{osp.basename(MFF)}')
    stock_types = [s.type for s in stock.train_dataloader.dataset.pipeline]
    assert 'torchvision/RandomCrop' in stock_types
    keys = differing_keys(load(MFF), stock) - WIRING
    assert keys and all(
        k.startswith(('train_pipeline', 'train_dataloader.dataset.pipeline'))
        for k in keys), keys
    crop = load(MFF).train_dataloader.dataset.pipeline[1]
    assert crop.type == 'RandomResizedCrop' and crop.scale == 224
    assert tuple(crop.crop_ratio_range) == (0.2, 1.0)
    assert crop.interpolation == 'bicubic'
    pixmim = load(PIXMIM_MFF)
    assert pixmim.train_dataloader.dataset.pipeline[1].type == (
        'SimpleResizedCrop')
    assert pixmim.model.backbone.type == 'MFFViT'
    assert pixmim.model.backbone.out_indices == [0, 2, 4, 6, 8, 11]
    assert pixmim.model.target_generator.radius == 40


def test_simmim_baseline_is_the_stock_config():
    """Only the batch per GPU, which the stock name states (16xb128) and
    its content does not (256 from its dataset base)."""
    stock = get_config(f'mmpretrain::simmim/{osp.basename(SIMMIM)}')
    assert stock.train_dataloader.batch_size == 256
    assert differing_keys(load(SIMMIM),
                          stock) == WIRING | {'train_dataloader.batch_size'}


def test_paper_recipe():
    cfg = load(pretraining('pixmim', 'base', 800))
    assert cfg.model.target_generator.radius == 40
    assert cfg.train_cfg.max_epochs == 800
    assert cfg.optim_wrapper.optimizer.lr == pytest.approx(1.5e-4 * 16)
    assert cfg.auto_scale_lr.base_batch_size == 4096
    assert cfg.resume is True
