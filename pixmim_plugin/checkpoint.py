"""The one way this package reads a checkpoint: :func:`load_checkpoint`.

By default a file is loaded weights-only, with the globals of an mmengine
training checkpoint allowed for that load only; ``trusted=True`` unpickles
it in full (for files you wrote yourself). Every failure (a missing file,
a file that is not a checkpoint, a truncated one, one that holds more than
weights-only loading allows) raises :class:`CheckpointError`, whose message
names the file and the problem. :func:`check_weights` refuses the weights
of another model.

mmengine's runner saves, besides tensors, its message hub: ``HistoryBuffer``
objects holding numpy arrays, numpy scalars, and the buffer's statistics
methods, which a protocol-2 pickle writes as ``getattr(HistoryBuffer,
'mean')``. torch's weights-only unpickler refuses those globals. The
allowlist here admits exactly them, with ``getattr`` replaced by a function
that only returns those four methods of ``HistoryBuffer``: an arbitrary
callable in the file is still refused. Plain torch: mmengine is imported
only when the allowlist is built, and without it only the numpy entries are
allowed.
"""
import os.path as osp
import pickle
import zipfile
from typing import Any, Callable, List, Mapping, Tuple, Union

import numpy as np
import torch

# what mmengine 0.10 registers by default (HistoryBuffer._statistics_methods)
HISTORY_BUFFER_STATISTICS = ('min', 'max', 'current', 'mean')
# dtypes of the message hub's arrays and scalars: numbers, never objects
NUMERIC_DTYPES = ('?', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'f2',
                  'f4', 'f8')

SafeGlobal = Union[Callable, Tuple[Callable, str]]


def history_buffer_statistic(owner: type, name: str) -> Callable:
    """``getattr`` as a training checkpoint uses it: ``owner`` must be
    mmengine's ``HistoryBuffer`` and ``name`` one of
    :data:`HISTORY_BUFFER_STATISTICS`.

    Args:
        owner (type): The class the pickle names.
        name (str): The attribute.

    Returns:
        Callable: The unbound statistics method.
    """
    from mmengine.logging import HistoryBuffer
    if owner is not HistoryBuffer or name not in HISTORY_BUFFER_STATISTICS:
        raise pickle.UnpicklingError(
            f'getattr({owner!r}, {name!r}) refused: weights-only loading of '
            f'a training checkpoint allows only HistoryBuffer\'s '
            f'{", ".join(HISTORY_BUFFER_STATISTICS)}')
    return getattr(owner, name)


def _numpy_globals() -> List[SafeGlobal]:
    allowed: List[SafeGlobal] = [(np.ndarray, 'numpy.ndarray'),
                                 (np.dtype, 'numpy.dtype')]
    # numpy 2 pickles as numpy._core, numpy 1 as numpy.core
    multiarray = getattr(np, '_core', None) or np.core
    for name in ('_reconstruct', 'scalar'):
        function = getattr(multiarray.multiarray, name)
        allowed += [(function, f'numpy.{package}.multiarray.{name}')
                    for package in ('core', '_core')]
    # numpy >= 1.25: each dtype has its own class, which unpickling builds
    allowed += list({type(np.dtype(code)) for code in NUMERIC_DTYPES})
    return allowed


def training_checkpoint_globals() -> List[SafeGlobal]:
    """The globals an mmengine training checkpoint needs beyond torch's
    weights-only defaults, for :func:`torch.serialization.safe_globals`.

    Returns:
        list: Callables and ``(callable, pickled name)`` pairs.
    """
    allowed = _numpy_globals()
    try:
        from mmengine.logging import HistoryBuffer
    except ImportError:
        return allowed
    return allowed + [
        HistoryBuffer, (history_buffer_statistic, 'builtins.getattr')
    ]


class CheckpointError(ValueError):
    """A file that could not be read as a checkpoint; the message names the
    file and the problem."""


def _load(filename: str, map_location: Any, trusted: bool) -> dict:
    if trusted:
        return torch.load(
            filename, map_location=map_location, weights_only=False)
    if not hasattr(torch.serialization, 'safe_globals'):  # torch < 2.5
        return torch.load(
            filename, map_location=map_location, weights_only=True)
    with torch.serialization.safe_globals(training_checkpoint_globals()):
        return torch.load(
            filename, map_location=map_location, weights_only=True)


def _is_torch_file(filename: str) -> bool:
    """Whether ``filename`` starts as ``torch.save`` writes: a zip archive,
    or the legacy format (a pickled magic number first, as OpenMMLab's
    published files), read without unpickling anything."""
    if zipfile.is_zipfile(filename):
        return True
    with open(filename, 'rb') as f:
        head = f.read(16)
    # protocol 2, then a LONG1 of n bytes holding the magic number
    return (len(head) > 4 and head[:3] == b'\x80\x02\x8a' and int.from_bytes(
        head[4:4 + head[3]], 'little') == torch.serialization.MAGIC_NUMBER)


def load_checkpoint(filename: str,
                    map_location: Any = 'cpu',
                    trusted: bool = False) -> dict:
    """Read a checkpoint: weights-only with
    :func:`training_checkpoint_globals` allowed during this load only (from
    torch 2.5, which has ``safe_globals``; before, plain weights-only), or
    in full with ``trusted``.

    Args:
        filename (str): The checkpoint file.
        map_location: As :func:`torch.load`'s. Defaults to ``'cpu'``.
        trusted (bool): Unpickle everything the file holds. Only for files
            you trust. Defaults to False.

    Returns:
        dict: The checkpoint.

    Raises:
        CheckpointError: The file is missing, is not a torch checkpoint, is
            truncated, or holds objects weights-only loading refuses.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise CheckpointError(f'{filename}: no such file')
    try:
        checkpoint = _load(filename, map_location, trusted)
    except pickle.UnpicklingError as error:
        if trusted or not _is_torch_file(filename):
            raise CheckpointError(
                f'{filename}: not a readable torch checkpoint (neither the '
                'zip archive nor the legacy format of torch.save)') from error
        raise CheckpointError(
            f'{filename} holds objects that weights-only loading refuses; '
            'rerun with --trust (or trusted=True) if you trust it') from error
    except (RuntimeError, EOFError, UnicodeDecodeError, ValueError,
            AttributeError, ImportError, IndexError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(
            error).__name__
        raise CheckpointError(
            f'{filename}: not a readable torch checkpoint (truncated or '
            f'another format: {reason})') from error
    if not isinstance(checkpoint, dict):
        raise CheckpointError(
            f'{filename}: holds a {type(checkpoint).__name__}, not a '
            'checkpoint dict')
    return checkpoint


def check_weights(model: torch.nn.Module,
                  state_dict: Mapping[str, Any],
                  filename: str,
                  model_name: str = '') -> None:
    """Refuse a state dict that leaves some of ``model``'s parameters and
    buffers unset, by a missing key or a tensor of another shape (what
    mmengine's non-strict loading skips with a warning). Keys beyond the
    model's are allowed: loading ignores them.

    Args:
        model (torch.nn.Module): The model the weights are for.
        state_dict (Mapping[str, Any]): The checkpoint's weights.
        filename (str): The checkpoint, for the message.
        model_name (str): The model, for the message. Defaults to its
            class name.

    Raises:
        CheckpointError: ``'<file>: not a checkpoint of <model>: 150 of 160
            keys missing, e.g. ...; 12 unexpected, e.g. ...; 1 of another
            shape, e.g. ...'``.
    """
    expected = model.state_dict()
    missing = [key for key in expected if key not in state_dict]
    shapes = []  # (key, shape in the file, shape in the model)
    for key, value in expected.items():
        got = tuple(getattr(state_dict.get(key), 'shape', ()))
        if key in state_dict and got != tuple(value.shape):
            shapes.append((key, got, tuple(value.shape)))
    if not missing and not shapes:
        return
    unexpected = [key for key in state_dict if key not in expected]
    problems = []
    if missing:
        problems.append(f'{len(missing)} of {len(expected)} keys missing, '
                        f'e.g. {missing[0]!r}')
    if unexpected:
        problems.append(f'{len(unexpected)} unexpected, e.g. '
                        f'{unexpected[0]!r}')
    if shapes:
        key, got, want = shapes[0]
        problems.append(f'{len(shapes)} of another shape, e.g. {key!r} '
                        f'{got} where the model has {want}')
    raise CheckpointError(
        f'{filename}: not a checkpoint of '
        f'{model_name or type(model).__name__}: {"; ".join(problems)}')
