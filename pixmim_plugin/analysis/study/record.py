"""What one run of ``make study`` is (:class:`Run`, and its name in file
names) and what it leaves in ``results/<name>.json`` (:class:`RunResult`,
the one statement of that file's schema)."""
import dataclasses
from typing import List

# the floor's row in the report and study.csv
FLOOR_LABEL = 'random init'


@dataclasses.dataclass(frozen=True)
class Run:
    """One run of the study: a method pre-trained with a seed, or the
    probe's floor (a model at its initialisation, not trained).

    Args:
        method (str): A key of :data:`~.configs.METHODS`: the method
            pre-trained or, for the floor, the method whose model is left
            untrained.
        seed (int): Seed of the run (weights, data order, masks, crops).
        floor (bool): Whether the run is the floor. Defaults to False.
    """
    method: str
    seed: int
    floor: bool = False

    @property
    def name(self) -> str:
        """The run's name in its results file, log and work dir: the
        lower-cased method, or ``floor``, then the seed (``mae_src_seed0``,
        ``floor_seed0``); no spaces."""
        kind = 'floor' if self.floor else self.method.lower()
        return f"{kind.replace('+', '_')}_seed{self.seed}"

    @property
    def label(self) -> str:
        """The run's row in the report: the method or ``random init``."""
        return FLOOR_LABEL if self.floor else self.method


@dataclasses.dataclass
class RunResult:
    """The evaluation of one run, as kept in ``results/<run.name>.json``.

    Args:
        run (Run): The run.
        probe (float): Linear-probe top-1 accuracy (%) on the val object
            crops.
        band_psnr (list[float]): Band PSNR (dB, 0-255 pixels) per band,
            mean over the band-PSNR images.
        band_edges (list[float]): The K + 1 band edges (bins) of the K
            bands of ``band_psnr``.
        train_seconds (float): Wall time of pre-training (or of building
            the floor's model, or of loading a finished run).
    """
    run: Run
    probe: float
    band_psnr: List[float]
    band_edges: List[float]
    train_seconds: float

    def to_json(self) -> dict:
        """The record as one flat JSON object (the run's fields first)."""
        record = dataclasses.asdict(self)
        return dict(record.pop('run'), **record)

    @classmethod
    def from_json(cls, record: dict) -> 'RunResult':
        """The inverse of :meth:`to_json`.

        Raises:
            ValueError: If ``record`` does not have exactly the fields of
                :meth:`to_json` (e.g. a file of an older version).
        """
        run_keys = {f.name for f in dataclasses.fields(Run)}
        keys = run_keys | ({f.name for f in dataclasses.fields(cls)} - {'run'})
        if set(record) != keys:
            raise ValueError(f'a study result has the fields '
                             f'{sorted(keys)}, got {sorted(record)}')
        record = dict(record)
        run = Run(**{k: record.pop(k) for k in run_keys})
        return cls(run=run, **record)
