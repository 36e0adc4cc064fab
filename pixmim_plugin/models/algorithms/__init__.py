from .mfm import MFM
from .pixmim import PixMIM, TargetGeneratorMixin
from .pixmim_itpn import PixMIMiTPN
from .pixmim_mff import PixMIMMFF
from .pixmim_simmim import PixMIMSimMIM

__all__ = [
    'MFM', 'PixMIM', 'PixMIMiTPN', 'PixMIMMFF', 'PixMIMSimMIM',
    'TargetGeneratorMixin'
]
