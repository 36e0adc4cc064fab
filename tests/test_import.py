import subprocess
import sys


def run_python(code: str) -> str:
    """Run ``code`` in a fresh interpreter; its stdout, after asserting
    success."""
    out = subprocess.run([sys.executable, '-c', code],
                         capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


# Makes mmdet and mmseg unimportable, as on a machine without them.
BLOCK = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('mmdet', 'mmseg'):
            raise ImportError(f'{name} blocked by the test')
sys.meta_path.insert(0, Block())
"""

# What a plugin could patch, recorded before and after importing every
# module of pixmim_plugin except `det` and `seg` (mmdet's and mmseg's
# registries).
UNCHANGED = """
import importlib, pkgutil, sys
import mmengine.dist.utils, mmengine.runner, torch
import mmpretrain.datasets, mmpretrain.engine, mmpretrain.models
from mmengine.runner import Runner
from mmengine.runner.checkpoint import CheckpointLoader

def state():
    return dict(
        resume=Runner.resume,
        load_checkpoint=Runner.load_checkpoint,
        setup_env=Runner.setup_env,
        schemes=list(CheckpointLoader._schemes.items()),
        init_dist_pytorch=mmengine.dist.utils._init_dist_pytorch,
        torch_load=torch.load)

def import_all(package):
    for info in pkgutil.iter_modules(package.__path__,
                                     package.__name__ + '.'):
        if info.name not in ('pixmim_plugin.det', 'pixmim_plugin.seg'):
            module = importlib.import_module(info.name)
            if info.ispkg:
                import_all(module)

before = state()
import pixmim_plugin
import_all(pixmim_plugin)
after = state()
for key in before:
    assert before[key] == after[key], key
print(sorted(m for m in sys.modules if m.startswith('pixmim_plugin')))
"""


def test_import_changes_nothing_in_mmengine_or_torch():
    imported = run_python(UNCHANGED)
    for module in ('pixmim_plugin.engine.runner', 'pixmim_plugin.analysis',
                   'pixmim_plugin.models.algorithms.mfm',
                   'pixmim_plugin.transfer.convert'):
        assert repr(module) in imported, module
    assert 'pixmim_plugin.det' not in imported
    assert 'pixmim_plugin.seg' not in imported


def test_import_needs_neither_mmdet_nor_mmseg():
    code = BLOCK + ('import pixmim_plugin, pixmim_plugin.transfer\n'
                    "print('ok')")
    assert run_python(code).strip() == 'ok'


def test_frequency_and_transfer_need_torch_alone():
    # None in sys.modules: `import` fails and find_spec finds nothing, as
    # when the package is not installed.
    code = """
import sys
for name in ('mmengine', 'mmpretrain', 'mmcv', 'cv2', 'mmdet', 'mmseg'):
    sys.modules[name] = None
import torch
from pixmim_plugin import __version__
from pixmim_plugin.frequency import low_pass
from pixmim_plugin.transfer import convert_checkpoint
x = torch.randn(1, 1, 8, 8)
torch.testing.assert_close(low_pass(x, radius=0), x.mean().expand_as(x))
print('models' in dir(sys.modules['pixmim_plugin']), __version__)
"""
    registered, version = run_python(code).split()
    assert registered == 'False' and version


def test_version_has_one_home():
    from pixmim_plugin import __version__
    from pixmim_plugin.version import __version__ as version
    out = subprocess.run([sys.executable, 'setup.py', '--version'],
                         capture_output=True,
                         text=True,
                         cwd=__file__.rsplit('/tests/', 1)[0])
    assert __version__ == version == out.stdout.strip().splitlines()[-1]


def test_import_registers_the_components():
    from mmpretrain.registry import MODELS, RUNNERS, TRANSFORMS

    import pixmim_plugin  # noqa: F401
    for name in ('PixMIM', 'LowFreqTargetGenerator', 'MFM',
                 'FrequencyCorruption', 'FrequencyLoss',
                 'DownUpSampleCorruption', 'GaussianBlurCorruption',
                 'GaussianNoiseCorruption'):
        assert MODELS.get(name) is not None, name
    assert TRANSFORMS.get('SimpleResizedCrop') is not None
    assert RUNNERS.get('CompatRunner') is not None
