"""What the command-line tools share: bad input becomes one line.

A tool's ``main(argv=None)`` decorated with :func:`tool_main` turns an
:class:`InputError` (raised by the checks below, or by library code that
parses a file the user named) and a
:class:`~pixmim_plugin.checkpoint.CheckpointError` into
``<tool>: error: <message>`` on stderr and exit status 1, without a
traceback. Anything else still raises: a bug keeps its traceback.

The checks run before the work, so that a wrong path fails in a second,
not after the first model of several has been evaluated.
"""
import functools
import inspect
import os
import os.path as osp
import warnings
from typing import Callable, List, Optional, Tuple, TypeVar

from pixmim_plugin.checkpoint import CheckpointError

T = TypeVar('T')
PKG_RESOURCES_WARNING = 'pkg_resources is deprecated as an API'
# what mmengine's Config.fromfile reads
CONFIG_SUFFIXES = ('.py', '.json', '.yml', '.yaml')


class InputError(ValueError):
    """A file or folder given to a tool that cannot serve; the message
    names the parameter or file and the problem."""


def tool_main(
    main: Callable[[Optional[List[str]]], T]
) -> Callable[[Optional[List[str]]], T]:
    """Decorate a tool's ``main(argv=None)``: :class:`InputError` and
    :class:`CheckpointError` end the process with exit status 1 and the
    one line ``<tool>: error: <message>``, as argparse's own errors read.
    setuptools' warning that ``pkg_resources`` is deprecated, which
    mmengine triggers with every ``mmpretrain::`` config, is not shown.

    Args:
        main (Callable): The tool's entry point; ``argv`` as
            :meth:`argparse.ArgumentParser.parse_args` takes it.

    Returns:
        Callable: ``main`` with the errors translated.
    """
    prog = osp.basename(inspect.getfile(main))

    @functools.wraps(main)
    def run(argv: Optional[List[str]] = None) -> T:
        try:
            with warnings.catch_warnings():
                # mmengine 0.10 re-imports pkg_resources for every
                # `mmpretrain::` config, and setuptools 80 warns each time
                warnings.filterwarnings('ignore', PKG_RESOURCES_WARNING,
                                        UserWarning)
                return main(argv)
        except (InputError, CheckpointError) as error:
            message = ' '.join(str(error).split('\n'))
            raise SystemExit(f'{prog}: error: {message}') from None

    return run


def check_file(path: str, name: str) -> str:
    """Refuse a ``path`` that is not an existing file.

    Args:
        path (str): The file.
        name (str): What names it on the command line (``--ann``, ``csv``).

    Returns:
        str: ``path``.
    """
    if osp.isdir(path):
        raise InputError(f'{name} {path}: a folder, not a file')
    if not osp.isfile(path):
        raise InputError(f'{name} {path}: no such file')
    return path


def check_config(path: str, name: str = 'config') -> str:
    """Refuse a config that does not exist or that mmengine cannot read
    (another suffix than ``.py``, ``.json``, ``.yml``, ``.yaml``).

    Args:
        path (str): The config file.
        name (str): What names it on the command line. Defaults to
            ``'config'``.

    Returns:
        str: ``path``.
    """
    check_file(path, name)
    if not path.endswith(CONFIG_SUFFIXES):
        raise InputError(f'{name} {path}: not a config (mmengine reads '
                         f'{", ".join(CONFIG_SUFFIXES)} files)')
    return path


def image_extensions() -> Tuple[str, ...]:
    """The suffixes mmpretrain's ``CustomDataset`` lists as images."""
    from mmpretrain.datasets import CustomDataset
    return inspect.signature(CustomDataset).parameters['extensions'].default


def check_image_root(root: str,
                     folder: str = '',
                     name: str = '--data-root',
                     hint: str = '') -> str:
    """Refuse a folder ``root/folder`` that holds no image at any depth
    (where ``CustomDataset(with_label=False)`` would find none).

    Args:
        root (str): The data root.
        folder (str): The folder under it. Defaults to ``''``: ``root``.
        name (str): What names ``root`` on the command line. Defaults to
            ``'--data-root'``.
        hint (str): What makes the images, added to the message. Defaults
            to ``''``.

    Returns:
        str: ``root/folder``.
    """
    path = osp.join(root, folder) if folder else root
    hint = f'; {hint}' if hint else ''
    if not osp.isdir(path):
        raise InputError(f'{name} {root}: no folder {path}{hint}')
    extensions = image_extensions()
    for _, _, files in os.walk(path):
        if any(f.lower().endswith(extensions) for f in files):
            return path
    raise InputError(f'{name} {root}: no images ({", ".join(extensions)}) '
                     f'in {path} or its subfolders{hint}')


def check_checkpoint_path(path: str, name: str = 'checkpoint') -> str:
    """Refuse a checkpoint argument that is neither a file nor a folder
    (a work_dir); what the file holds is checked where it is loaded.

    Args:
        path (str): A checkpoint file or a work_dir.
        name (str): What names it on the command line. Defaults to
            ``'checkpoint'``.

    Returns:
        str: ``path``.
    """
    if not osp.exists(path):
        raise InputError(f'{name} {path}: no such file or work_dir')
    return path
