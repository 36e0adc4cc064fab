"""Reading ``<dir>/<class folder>/<image>`` trees whose class folders are
known in advance (ImageNet wnids, the 16 cue-conflict categories, ...).

Unlike mmpretrain's ``CustomDataset``, which numbers whatever folders it
finds, the label of a folder here is its position in the expected list, and
a tree whose folders differ from that list is refused with the path and the
counts, before any image is read.
"""
import os
import os.path as osp
from typing import List, Sequence, Tuple

IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif')


def check_class_folders(path: str, expected: Sequence[str]) -> None:
    """Raise unless the sub-folders of ``path`` are exactly ``expected``.

    Args:
        path (str): A directory holding one folder per class.
        expected (Sequence[str]): The class folder names.

    Raises:
        FileNotFoundError: ``path`` is not a directory.
        ValueError: The folders differ from ``expected`` (count or names).
    """
    if not osp.isdir(path):
        raise FileNotFoundError(f'missing folder {path}')
    found = sorted(e.name for e in os.scandir(path) if e.is_dir())
    if len(found) != len(expected):
        raise ValueError(f'{path} has {len(found)} class folders, expected '
                         f'{len(expected)}')
    unknown = sorted(set(found) - set(expected))
    if unknown:
        raise ValueError(f'{path} has class folders that are not expected: '
                         f'{unknown[:5]} (expected e.g. {list(expected[:3])})')


def scan_class_folders(
        path: str,
        classes: Sequence[str],
        extensions: Sequence[str] = IMG_EXTENSIONS) -> List[Tuple[str, int]]:
    """Image files under ``path/<class>/``, labelled by the class position.

    Args:
        path (str): A directory holding one folder per class.
        classes (Sequence[str]): The folder names in label order.
        extensions (Sequence[str]): Lower-case file endings of images.

    Returns:
        list[tuple[str, int]]: ``(file path, label)``, sorted by label and
        then by file name.
    """
    check_class_folders(path, classes)
    samples = []
    for label, name in enumerate(classes):
        folder = osp.join(path, name)
        files = sorted(
            e.name for e in os.scandir(folder)
            if e.is_file() and e.name.lower().endswith(extensions))
        samples.extend((osp.join(folder, f), label) for f in files)
    return samples
