import subprocess
import sys


def test_import_needs_neither_mmdet_nor_mmseg():
    code = ('import sys, pixmim_plugin, pixmim_plugin.transfer\n'
            'print(sorted(m for m in sys.modules\n'
            "             if m.split('.')[0] in ('mmdet', 'mmseg')))")
    out = subprocess.run([sys.executable, '-c', code],
                         capture_output=True,
                         text=True,
                         check=True)
    assert out.stdout.strip() == '[]'


def test_import_registers_the_components():
    from mmpretrain.registry import MODELS, TRANSFORMS

    import pixmim_plugin  # noqa: F401
    for name in ('PixMIM', 'LowFreqTargetGenerator', 'MFM',
                 'FrequencyCorruption', 'FrequencyLoss',
                 'DownUpSampleCorruption', 'GaussianBlurCorruption',
                 'GaussianNoiseCorruption'):
        assert MODELS.get(name) is not None, name
    assert TRANSFORMS.get('SimpleResizedCrop') is not None
