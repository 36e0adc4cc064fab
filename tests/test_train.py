"""End-to-end runs of the demo configs through `mim train` (a few iterations
each): pre-training single process with resume and in two gloo processes
through mmengine's pytorch launcher (both through CompatRunner, which the
configs select), and the chains from a demo pre-training checkpoint through
conversion to each transfer protocol."""
import os.path as osp
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F
from helpers import DEMO, ROOT, load_trusted, mim_run, mim_train

pytestmark = pytest.mark.training

PIXMIM = osp.join(DEMO, 'pixmim_vit-tiny-p8_1xb32-600it_shapes.py')
MFM = osp.join(DEMO, 'mfm_vit-tiny-p16_1xb32-600it_shapes.py')
PIXMIM_MFF = osp.join(DEMO, 'pixmim-mff_vit-tiny-p8_1xb32-600it_shapes.py')
# what `make demo` trains and the demo transfer configs take
DEMO_PIXMIM = osp.join(DEMO, 'pixmim_vit-mini-p4_1xb64-1200it_shapes.py')
CLASSIFICATION = {
    'linear': osp.join(DEMO,
                       'vit-mini-p4_1xb32-linear-500it_shapes-objects.py'),
    'ft': osp.join(DEMO, 'vit-mini-p4_1xb32-900it_shapes-objects.py'),
}
MASK_RCNN = osp.join(DEMO,
                     'mask-rcnn_vit-mini-p4_sfp_1xb4-60it_coco-shapes.py')
UPERNET = osp.join(DEMO, 'upernet_vit-mini-p4_1xb8-40it_ade-shapes-64x64.py')


def few_iterations(max_iters=2, loaders=('train', 'val', 'test')):
    """Options that make a demo transfer config train ``max_iters`` on a
    small batch in the main process, then evaluate."""
    options = [
        f'train_cfg.max_iters={max_iters}',
        f'train_cfg.val_interval={max_iters}', 'train_dataloader.batch_size=2',
        'default_hooks.logger.interval=1'
    ]
    for loader in loaders:
        options += [
            f'{loader}_dataloader.num_workers=0',
            f'{loader}_dataloader.persistent_workers=False'
        ]
    return options


@pytest.fixture(scope='module')
def pretrained(tmp_path_factory, data_root):
    """A 2-iteration `make demo` checkpoint and its state dict."""
    work_dir = str(tmp_path_factory.mktemp('pixmim'))
    mim_train(DEMO_PIXMIM, work_dir, data_root, 2)
    path = osp.join(work_dir, 'iter_2.pth')
    return path, load_trusted(path)['state_dict']


def convert(checkpoint, out, target):
    proc = subprocess.run([
        sys.executable,
        osp.join(ROOT, 'tools', 'convert_checkpoint.py'), checkpoint, out,
        '--to', target, '--trust'
    ],
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    return out


def built_backbone(scope, config, checkpoint):
    """The encoder of ``config`` as its library builds and initialises it
    from ``checkpoint``."""
    from mmengine.config import Config
    from mmengine.registry import MODELS as ROOT_MODELS
    from mmengine.registry import DefaultScope
    cfg = Config.fromfile(config)
    cfg.model.backbone.init_cfg.checkpoint = checkpoint
    with DefaultScope.overwrite_default_scope(scope):
        model = ROOT_MODELS.build(cfg.model)
        model.init_weights()
    return model.backbone.state_dict()


@pytest.mark.parametrize('config', [PIXMIM, MFM, PIXMIM_MFF])
def test_train_then_resume(tmp_path, data_root, config):
    work_dir = str(tmp_path)
    mim_train(config, work_dir, data_root, 4)
    first = load_trusted(osp.join(work_dir, 'iter_4.pth'))
    assert first['meta']['iter'] == 4

    # The stock configs set `resume = True`: a longer run picks up the last
    # checkpoint of the work_dir. torch >= 2.6 refuses to unpickle it unless
    # the runner is CompatRunner, which the configs select.
    log = mim_train(config, work_dir, data_root, 6)
    assert 'resumed epoch: 0, iter: 4' in log
    second = load_trusted(osp.join(work_dir, 'iter_6.pth'))
    assert second['meta']['iter'] == 6
    assert 'loss' in log and 'nan' not in log.split('Iter(train)')[-1]
    if config == PIXMIM_MFF:  # MFF's fusion weights reach the log
        assert 'weight_5' in log.split('Iter(train)')[-1]


# The MFM demo made deterministic (no random crop or flip, the same
# corruption for every image, data in order, no drop path), at a constant
# learning rate so that every step moves the weights by about lr = 1e-3.
DETERMINISTIC_MFM = """
_base_ = {base!r}
custom_imports = dict(
    imports=['pixmim_plugin', 'save_rank_weights'], allow_failed_imports=False)
model = dict(
    backbone=dict(drop_path_rate=0.), corruption=dict(low_pass_prob=1.0))
train_dataloader = dict(
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='Resize', scale=(64, 64)),
        dict(type='PackInputs'),
    ]))
randomness = dict(seed=0)
param_scheduler = []
custom_hooks = [dict(type='SaveRankWeightsHook')]
"""

SAVE_RANK_WEIGHTS = """
import os.path as osp

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.registry import HOOKS


@HOOKS.register_module()
class SaveRankWeightsHook(Hook):

    def after_run(self, runner):
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        torch.save(model.state_dict(),
                   osp.join(runner.work_dir, f'rank{runner.rank}.pth'))
"""


def test_two_process_gloo_run(tmp_path, data_root):
    """Two gloo processes of batch 2 train the same weights on both ranks,
    and the weights of one process of batch 4."""
    config = tmp_path / 'mfm_deterministic.py'
    config.write_text(DETERMINISTIC_MFM.format(base=MFM))
    (tmp_path / 'save_rank_weights.py').write_text(SAVE_RANK_WEIGHTS)
    iters = 3

    def train(name, batch_size, gpus=None):
        work_dir = tmp_path / name
        mim_train(
            str(config),
            str(work_dir),
            data_root,
            iters,
            f'train_dataloader.batch_size={batch_size}',
            gpus=gpus,
            pythonpath=str(tmp_path))
        return work_dir

    two = train('two', 2, gpus=2)
    one = train('one', 4)
    rank0, rank1 = (load_trusted(two / f'rank{r}.pth') for r in (0, 1))
    single = load_trusted(one / 'rank0.pth')
    assert not osp.exists(one / 'rank1.pth')
    # DDP averages the two halves' gradients. The loss is a mean pooled over
    # the batch, with the same number of masked bins per image, so that is
    # the whole batch's gradient up to float32 rounding (summation order).
    # The corruption's truncated DFT multiplies matrices whose rows are the
    # batch's, so its rounding depends on the batch size too. AdamW divides
    # each gradient by its running RMS, which turns such rounding into a
    # visible part of a step (about lr = 1e-3 per weight) where a gradient
    # is near zero: at most a quarter of a step for any weight, 2% for all
    # but one in a thousand.
    lr = 1e-3  # the demo's AdamW
    before_last_step = load_trusted(one / 'iter_2.pth')['state_dict']
    moved = 0
    for name, value in single.items():
        torch.testing.assert_close(rank1[name], rank0[name], rtol=0, atol=0)
        gap = (rank0[name] - value).abs()
        assert gap.max() <= 0.25 * lr, (name, gap.max())
        assert (gap > 0.02 * lr).float().mean() <= 1e-3, name
        change = (value - before_last_step[name]).abs().max()
        moved += bool(change > 0.5 * lr)
    assert moved > len(single) // 2


def test_mfm_fine_tune_config_loads_every_backbone_weight(tmp_path, data_root):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import MODELS

    work_dir = str(tmp_path)
    mim_train(MFM, work_dir, data_root, 2)
    state = load_trusted(osp.join(work_dir, 'iter_2.pth'))['state_dict']
    pretrained = {
        k[len('backbone.'):]: v
        for k, v in state.items() if k.startswith('backbone.')
    }
    # init_cfg weights load weights-only: the plain tensors of the run
    ckpt = osp.join(work_dir, 'weights.pth')
    torch.save(dict(state_dict=state), ckpt)

    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', 'mfm', 'benchmarks',
                 'vit-base-p16_16xb128-coslr-100e_in1k.py'))
    cfg.merge_from_dict({  # the demo's encoder, the config's everything else
        'model.backbone.arch': 'deit-tiny',
        'model.backbone.img_size': 64,
        'model.backbone.patch_size': 16,
        'model.head.in_channels': 192,
        'model.backbone.init_cfg.checkpoint': ckpt,
    })
    init_default_scope('mmpretrain')
    model = MODELS.build(cfg.model)
    model.init_weights()
    backbone = model.backbone.state_dict()
    # fine-tuning pools the tokens and normalises them with a new LayerNorm
    # (ln2); pre-training's final LayerNorm (ln1) is not used, as official
    assert set(backbone) - set(pretrained) == {'ln2.weight', 'ln2.bias'}
    assert set(pretrained) - set(backbone) == {'ln1.weight', 'ln1.bias'}
    for name, value in backbone.items():
        if name in pretrained:
            assert torch.equal(value, pretrained[name]), name


def test_demo_chain_upernet(tmp_path, pretrained):
    """Demo pre-training -> conversion -> UperNet on the demo ADE set."""
    pytest.importorskip('mmseg', reason='needs mmseg: make install-full')
    from pixmim_plugin.demo.shapes import write_ade
    checkpoint, state = pretrained
    converted = convert(checkpoint, str(tmp_path / 'seg.pth'), 'mmseg')
    ade = str(tmp_path / 'ade')
    write_ade(ade, 'training', 8)
    write_ade(ade, 'validation', 4)
    config = UPERNET
    log = mim_run('mmseg', config, str(tmp_path / 'seg'), [
        f'model.backbone.init_cfg.checkpoint={converted}',
        f'train_dataloader.dataset.data_root={ade}',
        f'val_dataloader.dataset.data_root={ade}',
        f'test_dataloader.dataset.data_root={ade}', *few_iterations()
    ])
    assert 'mIoU' in log

    # the segmentor's encoder starts from the pre-trained weights
    backbone = built_backbone('mmseg', config, converted)
    for key in ('patch_embed.projection.weight', 'layers.3.attn.qkv.bias'):
        assert torch.equal(backbone[key], state[f'backbone.{key}']), key
    # the class token's row kept, the 8x8 grid of 32 px interpolated to
    # the 16x16 patches of the 64 px crops
    pos_embed = state['backbone.pos_embed']
    grid = pos_embed[:, 1:].reshape(1, 8, 8, 128).permute(0, 3, 1, 2)
    grid = F.interpolate(
        grid, size=(16, 16), mode='bicubic', align_corners=False)
    expected = torch.cat(
        [pos_embed[:, :1], grid.flatten(2).transpose(1, 2)], dim=1)
    torch.testing.assert_close(backbone['pos_embed'], expected)


@pytest.mark.parametrize('name', ['linear', 'ft'])
def test_demo_chain_classification(tmp_path, pretrained, data_root, name):
    """Demo pre-training -> conversion -> linear probe / fine-tune on the
    shapes classes."""
    checkpoint, state = pretrained
    converted = convert(checkpoint, str(tmp_path / 'cls.pth'), 'mmpretrain')
    config = CLASSIFICATION[name]
    log = mim_run('mmpretrain', config, str(tmp_path / name), [
        f'model.backbone.init_cfg.checkpoint={converted}',
        f'train_dataloader.dataset.data_root={data_root}',
        f'val_dataloader.dataset.data_root={data_root}',
        f'test_dataloader.dataset.data_root={data_root}', *few_iterations()
    ])
    assert 'accuracy/top1' in log
    backbone = built_backbone('mmpretrain', config, converted)
    for key in ('patch_embed.projection.weight', 'layers.3.attn.qkv.bias',
                'pos_embed', 'cls_token'):
        assert torch.equal(backbone[key], state[f'backbone.{key}']), key


def test_demo_chain_mask_rcnn(tmp_path, pretrained):
    """Demo pre-training -> conversion -> ViTDet-style Mask R-CNN on the
    demo COCO set."""
    pytest.importorskip('mmdet', reason='needs mmdet: make install-full')
    from pixmim_plugin.demo.shapes import write_coco
    checkpoint, state = pretrained
    converted = convert(checkpoint, str(tmp_path / 'det.pth'), 'mmdet')
    coco = str(tmp_path / 'coco')
    write_coco(coco, 'train2017', 8)
    write_coco(coco, 'val2017', 4)
    ann = osp.join(coco, 'annotations', 'instances_val2017.json')
    config = MASK_RCNN
    log = mim_run('mmdet', config, str(tmp_path / 'det'), [
        f'model.backbone.init_cfg.checkpoint={converted}',
        f'train_dataloader.dataset.data_root={coco}',
        f'val_dataloader.dataset.data_root={coco}',
        f'test_dataloader.dataset.data_root={coco}',
        f'val_evaluator.ann_file={ann}', f'test_evaluator.ann_file={ann}',
        *few_iterations()
    ])
    assert 'coco/bbox_mAP' in log and 'coco/segm_mAP' in log
    backbone = built_backbone('mmdet', config, converted)
    for key in ('patch_embed.projection.weight', 'layers.3.attn.qkv.bias'):
        assert torch.equal(backbone[key], state[f'backbone.{key}']), key
    # the 8x8 grid without the class token's row, interpolated to the
    # detector's 32x32 patches
    grid = state['backbone.pos_embed'][:, 1:].reshape(1, 8, 8, 128)
    expected = F.interpolate(
        grid.permute(0, 3, 1, 2),
        size=(32, 32),
        mode='bicubic',
        align_corners=False).permute(0, 2, 3, 1)
    torch.testing.assert_close(backbone['pos_embed'], expected)
