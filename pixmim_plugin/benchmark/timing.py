"""Timing helpers and the mmselfsup reference behind ``tools/benchmark.py``.

The module needs torch and numpy only; the memory section of the benchmark
imports :class:`MMSelfSupLowFreq` from here in a fresh interpreter, from
whatever directory it runs in.
"""
import math
import statistics
import subprocess
import sys
import time
from typing import Callable, Dict, List

import numpy as np
import torch


class MMSelfSupLowFreq(torch.nn.Module):
    """A faithful re-implementation of mmselfsup 1.0's generator, for
    timing only: fixed-size mask centred at ((H-1)/2, (W-1)/2) on the
    shifted spectrum, full complex FFTs, ``abs()``, and an ImageNet
    denormalise / normalise around it.

    Args:
        radius (float): radius of the kept disc, in frequency bins.
        size (int): height and width of the images it accepts.
    """

    def __init__(self, radius: float, size: int) -> None:
        super().__init__()
        c = (size - 1) / 2
        yy, xx = np.mgrid[0:size, 0:size]
        mask = ((yy - c)**2 + (xx - c)**2 <= radius**2).astype(np.float32)
        self.register_buffer('mask',
                             torch.from_numpy(mask)[None].repeat(3, 1, 1))
        self.register_buffer(
            'mean',
            torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
        self.register_buffer(
            'std',
            torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))

    @torch.no_grad()
    def forward(self, imgs: torch.Tensor) -> torch.Tensor:
        """Low-pass ``imgs`` (N, 3, size, size), normalised with ImageNet's
        mean and std; returns the same shape."""
        imgs = imgs * self.std + self.mean
        freq = torch.fft.fftshift(torch.fft.fft2(imgs), dim=(-2, -1))
        out = torch.abs(torch.fft.ifft2(freq * self.mask))
        return (out - self.mean) / self.std


def no_sync() -> None:
    """The CPU's ``sync``: nothing to wait for."""


def median_time(fn: Callable[[], object],
                repeats: int,
                sync: Callable[[], None] = no_sync) -> float:
    """Median seconds of ``fn()`` over ``repeats`` calls after a warm-up.

    Args:
        fn (Callable): the call to time.
        repeats (int): timed calls.
        sync (Callable): waits for the device after each call (for CUDA,
            ``torch.cuda.synchronize``).

    Returns:
        float: the median, in seconds.
    """
    fn()  # warm-up: caches, allocator, lazy init
    sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved_medians(steps: Dict[str, Callable[[], None]], repeats: int,
                        sync: Callable[[], None]) -> Dict[str, float]:
    """Median seconds of each step, run in turns so that drifts (thermal,
    other load) hit all of them alike.

    Args:
        steps (dict): name -> call, each warmed up once, then timed
            ``repeats`` times in turns.
        repeats (int): timed rounds.
        sync (Callable): waits for the device after each call.

    Returns:
        dict: name -> median seconds.
    """
    for step in steps.values():  # warm-up
        step()
    sync()
    times = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            start = time.perf_counter()
            step()
            sync()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def peak_extra_mb(setup: str, call: str) -> float:
    """Peak memory a fresh interpreter adds while running ``call`` after
    ``setup``: Linux's high-water mark (VmHWM) is reset after the setup
    (``/proc/self/clear_refs``) and read after the call.

    Args:
        setup (str): Python source run first (imports, inputs, warm-up);
            it may import this module.
        call (str): Python source whose peak is measured.

    Returns:
        float: MB above the resident size before ``call``.
    """
    code = (f'{setup}\n'
            'def rss(key):\n'
            '    for line in open("/proc/self/status"):\n'
            '        if line.startswith(key):\n'
            '            return int(line.split()[1])\n'
            'open("/proc/self/clear_refs", "w").write("5")\n'
            'before = rss("VmRSS")\n'
            f'{call}\n'
            'print((rss("VmHWM") - before) / 1024)\n')
    out = subprocess.run([sys.executable, '-c', code],
                         capture_output=True,
                         text=True,
                         check=True)
    return float(out.stdout.split()[-1])


def print_table(title: str, header: List[str], rows: List[List[str]]) -> None:
    """Print a markdown table under a ``###`` title.

    Args:
        title (str): the heading.
        header (list[str]): column names.
        rows (list[list[str]]): cells, one list per row.
    """
    print(f'\n### {title}\n')
    print('| ' + ' | '.join(header) + ' |')
    print('|' + '---|' * len(header))
    for row in rows:
        print('| ' + ' | '.join(row) + ' |')


# profiler events that only view or allocate: not a pass over the data
VIEW_OPS = ('view', 'reshape', 'empty', 'as_strided', 'select', 'slice',
            'unsqueeze', 'squeeze', 'expand', 'permute', 'transpose', 't',
            'flatten', 'unflatten', 'narrow', 'split', 'chunk', 'unbind',
            'contiguous', 'detach', 'alias', 'real', 'resolve', 'lift',
            'resize_')


def count_passes(fn: Callable[[], object], shapes: List[tuple]) -> int:
    """How many passes over batch-sized tensors one call of ``fn`` makes:
    the innermost aten operations of ``torch.profiler``'s trace with an
    argument of as many elements as one of ``shapes`` (reshaped views
    included), views and allocations left out (an FFT with the copy it
    makes inside counts as two)."""
    wanted = {math.prod(s) for s in shapes}

    def reads_batch(event) -> bool:
        name = event.name
        op = name[6:].lstrip('_').split('.')[0]
        return (name.startswith('aten::')
                and not any(op == v or (len(v) > 1 and op.startswith(v))
                            for v in VIEW_OPS) and
                bool(wanted & {math.prod(s)
                               for s in event.input_shapes if s}))

    def innermost(event) -> bool:
        stack = list(event.cpu_children)
        while stack:
            child = stack.pop()
            if reads_batch(child):
                return False
            stack.extend(child.cpu_children)
        return True

    with torch.profiler.profile(record_shapes=True) as prof:
        fn()
    return sum(
        reads_batch(event) and innermost(event) for event in prof.events())
