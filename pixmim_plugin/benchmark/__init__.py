"""The library behind ``tools/benchmark.py``: timing helpers and the
mmselfsup reference filter (:mod:`.timing`, torch and numpy only, so a
fresh interpreter can import them) and a config's step and loader speed
(:mod:`.speed`, which builds models through mmpretrain and is imported
only by the speed section)."""
from .timing import (MMSelfSupLowFreq, count_passes, interleaved_medians,
                     median_time, no_sync, peak_extra_mb, print_table)

__all__ = [
    'MMSelfSupLowFreq', 'count_passes', 'interleaved_medians', 'median_time',
    'no_sync', 'peak_extra_mb', 'print_table'
]
