"""Fast by default: every config asks for the fused optimizer, the autocast
dtype follows the device, and the fused step equals the foreach one."""
import copy
import glob
import os.path as osp
import warnings

import pytest
import torch
from helpers import ROOT
from helpers import load_config as load
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS

import pixmim_plugin  # noqa: F401
from pixmim_plugin.engine.optim import auto_amp_optim_wrapper as auto_amp
from pixmim_plugin.engine.optim.auto_amp_optim_wrapper import (
    AutoAmpOptimWrapper, choose_amp_dtype)

# test configs evaluate a checkpoint; their optimizer is never used
TRAINING_CONFIGS = sorted(
    osp.relpath(p, ROOT) for p in glob.glob(
        osp.join(ROOT, 'configs', '**', '*.py'), recursive=True)
    if '_base_' not in p.split(osp.sep) and '/robustness/' not in p)
FUSABLE = ('AdamW', 'Adam', 'SGD')


@pytest.mark.parametrize('path', TRAINING_CONFIGS)
def test_config_asks_for_the_fast_paths(path):
    from mmengine.registry import OPTIM_WRAPPERS
    cfg = load(path)
    wrapper = cfg.optim_wrapper
    optimizer = wrapper.optimizer
    if optimizer.type in FUSABLE:
        assert optimizer.get('fused') is True, path
    # mixed precision in the device's dtype, never a fixed float16
    wrapper_type = wrapper.get('type', 'OptimWrapper')
    assert wrapper_type.split('.')[-1] != 'AmpOptimWrapper', path
    if 'AutoAmp' in wrapper_type:  # found from the config's own scope
        with OPTIM_WRAPPERS.switch_scope_and_registry(
                cfg.get('default_scope', 'mmpretrain')) as registry:
            assert registry.get(wrapper_type) is AutoAmpOptimWrapper


@pytest.mark.parametrize('supported,dtype', [(True, 'bfloat16'),
                                             (False, 'float16')])
def test_amp_dtype_follows_the_device(supported, dtype):
    assert choose_amp_dtype(supported) == dtype


@pytest.mark.parametrize('supported', [True, False])
def test_auto_amp_wrapper_decides_once_and_says_so(monkeypatch, capsys,
                                                   supported):
    """Both branches without a GPU: the device query and mmengine's CUDA
    check are stood in for."""
    from mmengine.optim.optimizer import amp_optimizer_wrapper
    monkeypatch.setattr(amp_optimizer_wrapper, 'is_cuda_available',
                        lambda: True)
    monkeypatch.setattr(auto_amp, 'device_supports_bf16', lambda:
                        (supported, 'GPU X (compute capability 9.0)'))
    MMLogger.get_instance(f'amp_{supported}', log_level='INFO')
    model = torch.nn.Linear(2, 2)
    with warnings.catch_warnings():  # GradScaler: no CUDA here
        warnings.simplefilter('ignore')
        wrapper = AutoAmpOptimWrapper(
            optimizer=torch.optim.AdamW(model.parameters()))
    expected = torch.bfloat16 if supported else torch.float16
    assert wrapper.cast_dtype == expected
    assert wrapper.loss_scaling is (not supported)
    if supported:
        assert not wrapper.loss_scaler.is_enabled()
    lines = [
        line for line in capsys.readouterr().out.splitlines()
        if 'AutoAmpOptimWrapper' in line
    ]
    name = str(expected).replace('torch.', '')
    assert len(lines) == 1
    assert f'AutoAmpOptimWrapper: autocast in {name}, ' in lines[0]


def test_a_bf16_run_resumes_where_float16_scales_the_loss(monkeypatch):
    """A bfloat16 run saves an empty loss-scaler state; a float16 wrapper
    with an active scaler loads the rest of it."""
    from mmengine.optim.optimizer import amp_optimizer_wrapper
    monkeypatch.setattr(amp_optimizer_wrapper, 'is_cuda_available',
                        lambda: True)
    model = torch.nn.Linear(2, 2)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        monkeypatch.setattr(auto_amp, 'device_supports_bf16', lambda:
                            (True, 'GPU A'))
        saved = AutoAmpOptimWrapper(
            optimizer=torch.optim.AdamW(model.parameters(), lr=0.5))
        monkeypatch.setattr(auto_amp, 'device_supports_bf16', lambda:
                            (False, 'GPU B'))
        resumed = AutoAmpOptimWrapper(
            optimizer=torch.optim.AdamW(model.parameters(), lr=0.1))
    resumed.loss_scaler = torch.amp.GradScaler('cpu')  # active, as on a GPU
    state = saved.state_dict()
    assert state['loss_scaler'] == {}
    resumed.load_state_dict(state)
    assert resumed.optimizer.param_groups[0]['lr'] == 0.5
    assert resumed.loss_scaler.is_enabled()


def test_auto_amp_wrapper_refuses_an_unknown_dtype(monkeypatch):
    with pytest.raises(ValueError, match=r"dtype must be one of .*'fp8'"):
        AutoAmpOptimWrapper(
            dtype='fp8',
            optimizer=torch.optim.AdamW(torch.nn.Linear(2, 2).parameters()))


def tiny_fine_tune() -> Config:
    """The ImageNet fine-tuning config (layer decay, no-decay groups,
    RandAugment aside) around a two-block ViT."""
    cfg = load(
        'configs/pixmim/benchmarks/vit-base-p16_8xb128-coslr-100e_in1k.py')
    cfg.model.backbone.update(
        arch=dict(
            embed_dims=32, num_layers=2, num_heads=2, feedforward_channels=64),
        img_size=32,
        patch_size=8,
        init_cfg=None)
    cfg.model.head.in_channels = 32
    cfg.model.head.num_classes = 5
    cfg.model.pop('train_cfg', None)  # mixup / cutmix: not needed here
    return cfg


def one_step(cfg: Config, fused: bool) -> torch.nn.Module:
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    wrapper_cfg = copy.deepcopy(cfg.optim_wrapper)
    wrapper_cfg.update(type='OptimWrapper')
    wrapper_cfg.optimizer.update(fused=fused, foreach=None if fused else True)
    wrapper = build_optim_wrapper(model, wrapper_cfg)
    groups = wrapper.optimizer.param_groups
    assert len({g['lr'] for g in groups}) > 2  # layer-wise lrs
    assert {g['weight_decay'] for g in groups} >= {0.0}
    torch.manual_seed(1)
    from mmpretrain.structures import DataSample
    x = torch.randn(4, 3, 32, 32)
    samples = [DataSample().set_gt_label(i) for i in range(4)]
    wrapper.update_params(model.loss(x, samples)['loss'])
    return model


def test_fused_adamw_step_equals_foreach_on_the_configs_param_groups():
    cfg = tiny_fine_tune()
    fused, foreach = one_step(cfg, True), one_step(cfg, False)
    for (name, a), b in zip(fused.named_parameters(), foreach.parameters()):
        torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-7, msg=name)


DEMO_PIXMIM = osp.join(ROOT, 'configs', 'demo',
                       'pixmim_vit-tiny-p8_1xb32-600it_shapes.py')


def demo_losses(work_dir: str, data_root: str, compile) -> list:
    from mmengine.registry import RUNNERS
    cfg = Config.fromfile(DEMO_PIXMIM)
    cfg.merge_from_dict({
        'work_dir': work_dir,
        'train_cfg.max_iters': 3,
        'train_dataloader.dataset.data_root': data_root,
        'train_dataloader.batch_size': 4,
        'train_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False,
        'default_hooks.logger.interval': 1,
        'default_hooks.checkpoint.interval': 100,
        'compile': compile,
    })
    runner = RUNNERS.build(cfg)  # the config's CompatRunner, as mim train
    runner.train()
    return list(runner.message_hub.get_scalar('train/loss').data[0])


@pytest.mark.training
def test_compile_switch_trains_the_demo_as_eager(tmp_path, data_root):
    """``--cfg-options compile=True`` on the demo pre-training, on CPU: the
    same losses as eager (inductor draws the masks with torch's own
    generator when asked, so both runs see the same masks)."""
    eager = demo_losses(str(tmp_path / 'eager'), data_root, False)
    compiled = demo_losses(
        str(tmp_path / 'compiled'), data_root,
        dict(options=dict(fallback_random=True)))
    assert len(eager) == len(compiled) == 3
    torch.testing.assert_close(compiled, eager, rtol=1e-4, atol=1e-5)


def test_speed_section_builds_the_configs_step(tmp_path):
    """The pieces of ``tools/benchmark.py --only speed`` on the demo
    config: the config's own pipeline and preprocessor make the batch, the
    step runs in each variant, FLOPs are counted."""
    from pixmim_plugin.benchmark import speed
    cfg = Config.fromfile(DEMO_PIXMIM)
    init_default_scope('mmpretrain')
    files = speed.write_jpegs(str(tmp_path), 3)
    assert speed.loader_throughput(cfg, files, repeats=1) > 0
    model = speed.build_model(cfg, 'cpu')
    data = speed.synthetic_batch(cfg, model, files, 4)
    assert data['inputs'].shape == (4, 3, 64, 64)
    assert speed.count_flops(model, data, 'float32') > 0
    shipped = speed.shipped_variant(cfg, 'cpu', bf16=False)
    assert shipped == speed.Variant('float32', fused=True)
    for variant in speed.variants('cpu', bf16=False, compile=False):
        wrapper = speed.optim_wrapper_cfg(cfg, variant)
        assert wrapper['optimizer']['fused'] is variant.fused
        step = speed.training_step(cfg, variant, data,
                                   speed.build_model(cfg, 'cpu'))
        times = speed.time_step(step, repeats=1, warmup=1)
        assert times['median'] > 0


def test_speed_variants_follow_the_device():
    from pixmim_plugin.benchmark.speed import variants
    names = [v.name for v in variants('cuda', bf16=True)]
    assert names == [
        'foreach + fp16', 'fused + fp16', 'foreach + bf16', 'fused + bf16',
        'fused + bf16 + compile', 'fused + fp16 + compile'
    ]
    assert [v.name for v in variants('cuda', bf16=False, compile=False)
            ] == ['foreach + fp16', 'fused + fp16']
    assert [v.name for v in variants('cpu', bf16=False)
            ] == ['foreach', 'fused', 'fused + compile']


def test_count_passes_counts_innermost_batch_sized_operations():
    from pixmim_plugin.benchmark import count_passes
    x = torch.randn(4, 3, 8, 8)
    assert count_passes(lambda: (x * 2).sum(), [(4, 3, 8, 8)]) == 2
    assert count_passes(lambda: x.view(12, 64).t(), [(4, 3, 8, 8)]) == 0
    assert count_passes(lambda: (x * 2).sum(), [(1, 2)]) == 0
