import numpy as np
import pytest


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
