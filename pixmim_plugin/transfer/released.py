"""The authors' released checkpoints and the config of this repository whose
model each one loads into (docs/transfer.md lists them with the command)."""
from typing import NamedTuple, Tuple


class Released(NamedTuple):
    """One released checkpoint.

    Attributes:
        name (str): A short name.
        url (str): As published.
        listed_in (str): Where it is published (repository and file).
        layout (str): Its key layout, one of
            :data:`pixmim_plugin.transfer.layouts.LAYOUTS`.
        kind (str): ``'pretrain'``, ``'finetune'`` or ``'linear'``.
        config (str): The config of this repository whose model it loads
            into (after ``tools/convert_checkpoint.py --to model`` where
            its layout is not ``'plugin'``).
    """
    name: str
    url: str
    listed_in: str
    layout: str
    kind: str
    config: str


OPENMMLAB = 'https://download.openmmlab.com/mmselfsup/1.x'
PIXMIM_LIST = 'open-mmlab/mmselfsup 1.x configs/selfsup/pixmim/metafile.yml'
MAE_LIST = 'open-mmlab/mmpretrain configs/mae/metafile.yml'
MFM_LIST = 'Jiahao000/MFM README.md'
FINETUNE = 'configs/pixmim/benchmarks/vit-base-p16_8xb128-coslr-100e_in1k.py'
LINEAR = ('configs/pixmim/benchmarks/'
          'vit-base-p16_8xb2048-linear-coslr-90e_in1k.py')
MFM_VIT_FT = 'configs/mfm/benchmarks/vit-base-p16_16xb128-coslr-100e_in1k.py'
PIXMIM = 'pixmim_vit-base-p16_8xb512-amp-coslr-{}e_in1k'


def _pixmim(epochs: int, pretrain: str, finetune: str,
            linear: str) -> Tuple[Released, ...]:
    base = f'{OPENMMLAB}/pixmim/{PIXMIM.format(epochs)}'
    probe = 'vit-base-p16_linear-8xb2048-torchvision-transform-coslr-90e_in1k'
    tune = 'vit-base-p16_ft-8xb128-coslr-100e_in1k'
    return (
        Released(f'pixmim-vit-b-{epochs}e',
                 f'{base}/{PIXMIM.format(epochs)}_{pretrain}.pth', PIXMIM_LIST,
                 'mmselfsup', 'pretrain',
                 f'configs/pixmim/{PIXMIM.format(epochs)}.py'),
        Released(f'pixmim-vit-b-{epochs}e-ft', f'{base}/{tune}/{tune}_'
                 f'{finetune}.pth', PIXMIM_LIST, 'plugin', 'finetune',
                 FINETUNE),
        Released(f'pixmim-vit-b-{epochs}e-linear',
                 f'{base}/{probe}/{probe}_{linear}.pth', PIXMIM_LIST, 'plugin',
                 'linear', LINEAR),
    )


def _mae(arch: str, epochs: int, file: str) -> Released:
    folder = f'mae_vit-{arch}-p16_8xb512-fp16-coslr-{epochs}e_in1k'
    config = f'mae_vit-{arch}-p16_8xb512-amp-coslr-{epochs}e_in1k.py'
    return Released(f'mae-vit-{arch[0]}-{epochs}e',
                    f'{OPENMMLAB}/mae/{folder}/{file}', MAE_LIST, 'plugin',
                    'pretrain', f'configs/pixmim/{config}')


def _drive(file_id: str) -> str:
    return f'https://drive.google.com/file/d/{file_id}/view?usp=sharing'


RELEASED: Tuple[Released, ...] = (
    *_pixmim(300, '20230322-3304a88c', '20230322-7eba2bc2',
             '20230322-72322af8'),
    *_pixmim(800, '20230322-e8137924', '20230322-616b1a7f',
             '20230322-12c15568'),
    _mae(
        'base', 300, 'mae_vit-base-p16_8xb512-coslr-300e-fp16_in1k_'
        '20220829-c2cf66ba.pth'),
    _mae(
        'base', 800, 'mae_vit-base-p16_8xb512-coslr-800e-fp16_in1k_'
        '20220825-5d81fbc4.pth'),
    _mae(
        'base', 1600, 'mae_vit-base-p16_8xb512-fp16-coslr-1600e_in1k_'
        '20220825-f7569ca2.pth'),
    Released(
        'mae-vit-b-1600e-ft', f'{OPENMMLAB}/mae/mae_vit-base-p16_8xb512-fp16'
        '-coslr-1600e_in1k/vit-base-p16_ft-8xb128-coslr-100e_in1k/'
        'vit-base-p16_ft-8xb128-coslr-100e_in1k_20220825-cf70aa21.pth',
        MAE_LIST, 'plugin', 'finetune', FINETUNE),
    _mae(
        'large', 1600, 'mae_vit-large-p16_8xb512-fp16-coslr-1600e_in1k_'
        '20220825-cc7e98c9.pth'),
    Released('mfm-vit-b-300e', _drive('1qgMuODAxAapwXZXbH2Bgo5s5O_zc1bdl'),
             MFM_LIST, 'mfm', 'pretrain',
             'configs/mfm/mfm_vit-base-p16_16xb128-amp-coslr-300e_in1k.py'),
    Released('mfm-vit-b-300e-ft', _drive('1uxYn_q3BA0J5XlUMSnf8c2uQfLA0bkJo'),
             MFM_LIST, 'mfm', 'finetune', MFM_VIT_FT),
    Released('mfm-r50-300e', _drive('1rWXMJryJ2tq44EYfkZ8GREQoYLf1up9e'),
             MFM_LIST, 'mfm', 'pretrain',
             'configs/mfm/mfm_resnet50_16xb128-amp-coslr-300e_in1k.py'),
    Released('mfm-r50-300e-ft100e',
             _drive('1qr_kMb7bDEP1hwYD-bJ5mG7Co7KYlQSq'), MFM_LIST, 'mfm',
             'finetune',
             'configs/mfm/benchmarks/resnet50_8xb256-rsb-a3-100e_in1k.py'),
    Released('mfm-r50-300e-ft300e',
             _drive('1Uftl6c33gngKzWEj2c9ewmWGFBvGYgMo'), MFM_LIST, 'mfm',
             'finetune',
             'configs/mfm/benchmarks/resnet50_8xb256-rsb-a2-300e_in1k.py'),
)
