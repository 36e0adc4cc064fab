import numpy as np
import pytest

from pixmim_plugin.demo.shapes import write_imagenet_layout


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


@pytest.fixture(autouse=True)
def default_scope_per_test():
    """Each test starts in mmpretrain's scope and leaves mmengine's default
    scope as it found it, whatever it builds."""
    from mmengine.registry import DefaultScope
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        yield


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    """A small demo shapes set in the ImageNet layout, one per module."""
    root = str(tmp_path_factory.mktemp('shapes'))
    write_imagenet_layout(root, 'train', per_class=4)
    write_imagenet_layout(root, 'val', per_class=1)
    return root
