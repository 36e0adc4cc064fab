from .algorithms import *  # noqa: F401,F403
from .backbones import *  # noqa: F401,F403
from .corruptions import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .necks import *  # noqa: F401,F403
from .target_generators import *  # noqa: F401,F403
