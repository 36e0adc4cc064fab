"""``make study``: MAE, its two PixMIM changes alone and together, and MFM,
pre-trained with one budget, one data order and one seed set on the demo
shapes set, then compared by a linear probe and band PSNR.

- :mod:`.configs`: the methods and the config of each run
- :mod:`.record`: what a run is (:class:`Run`, its name in file names) and
  the schema of its results file (:class:`RunResult`)
- :mod:`.runs`: one run (pre-trained, reused or the untrained floor) and
  its evaluation, in a worker process
- :mod:`.report`: ``report.md``, ``study.csv``, the band-PSNR plot and the
  coverage table from the results
- :mod:`.driver`: every run, in parallel, then the report
"""
from .configs import FLOOR_METHOD, METHODS, study_config, study_scale
from .driver import run_and_report, run_study
from .record import FLOOR_LABEL, Run, RunResult
from .report import (Summary, coverage_for_report, load_results,
                     report_settings, study_coverage, summarise, write_report)
from .runs import (evaluate, init_worker, load_eval_data, load_trained,
                   pretrain, random_init, run_logged, run_one)

__all__ = [
    'FLOOR_LABEL', 'FLOOR_METHOD', 'METHODS', 'Run', 'RunResult', 'Summary',
    'coverage_for_report', 'evaluate', 'init_worker', 'load_eval_data',
    'load_results', 'load_trained', 'pretrain', 'random_init',
    'report_settings', 'run_and_report', 'run_logged', 'run_one', 'run_study',
    'study_config', 'study_coverage', 'study_scale', 'summarise',
    'write_report'
]
