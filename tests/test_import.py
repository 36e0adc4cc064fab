import subprocess
import sys

# Makes mmdet and mmseg unimportable, as on a machine without them.
BLOCK = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('mmdet', 'mmseg'):
            raise ImportError(f'{name} blocked by the test')
sys.meta_path.insert(0, Block())
"""


def test_import_needs_neither_mmdet_nor_mmseg():
    code = BLOCK + ('import pixmim_plugin, pixmim_plugin.transfer\n'
                    "print('ok')")
    out = subprocess.run([sys.executable, '-c', code],
                         capture_output=True,
                         text=True)
    assert out.returncode == 0 and out.stdout.strip() == 'ok', out.stderr


def test_import_registers_the_components():
    from mmpretrain.registry import MODELS, TRANSFORMS

    import pixmim_plugin  # noqa: F401
    for name in ('PixMIM', 'LowFreqTargetGenerator', 'MFM',
                 'FrequencyCorruption', 'FrequencyLoss',
                 'DownUpSampleCorruption', 'GaussianBlurCorruption',
                 'GaussianNoiseCorruption'):
        assert MODELS.get(name) is not None, name
    assert TRANSFORMS.get('SimpleResizedCrop') is not None
