"""Cue-conflict stimuli: the shape of one category with the texture of
another (`Geirhos et al., 2019 <https://arxiv.org/abs/1811.12231>`_)."""
import os.path as osp
import re
from typing import Dict, List, Optional, Sequence

from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

from .class_folders import scan_class_folders

# the 16 categories of the stimuli, in folder (sorted) order
CUE_CONFLICT_CATEGORIES = ('airplane', 'bear', 'bicycle', 'bird', 'boat',
                           'bottle', 'car', 'cat', 'chair', 'clock', 'dog',
                           'elephant', 'keyboard', 'knife', 'oven', 'truck')
# <shape><number>-<texture><number>.png
STIMULUS_NAME = re.compile(r'([a-z_]+?)\d+-([a-z_]+?)\d+\.png')


def parse_stimulus(file_name: str) -> tuple:
    """``(shape, texture)`` of a stimulus file name
    (``'cat4-elephant1.png'`` -> ``('cat', 'elephant')``)."""
    match = STIMULUS_NAME.fullmatch(osp.basename(file_name))
    if match is None:
        raise ValueError(f'{file_name} is not named <shape>N-<texture>M.png')
    return match[1], match[2]


@DATASETS.register_module()
class CueConflict(BaseDataset):
    """The cue-conflict set: ``<data_root>/<shape>/<shape>N-<texture>M.png``.

    The label is the shape category's index in ``metainfo['classes']``;
    each sample also carries ``shape`` and ``texture``. Images whose shape
    equals their texture carry no conflict and are left out (80 of the
    1280 released ones) unless ``drop_same=False``.

    Args:
        data_root (str): The root of the set.
        drop_same (bool): Leave out shape == texture images. Defaults to
            True.
        metainfo (dict, optional): ``classes``: the category folders;
            defaults to the 16 categories.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``.
    """
    METAINFO = {'classes': CUE_CONFLICT_CATEGORIES}

    def __init__(self,
                 data_root: str,
                 drop_same: bool = True,
                 metainfo: Optional[dict] = None,
                 **kwargs) -> None:
        self.drop_same = drop_same
        super().__init__(
            ann_file='', data_root=data_root, metainfo=metainfo, **kwargs)

    def load_data_list(self) -> List[Dict]:
        """One dict per stimulus: ``img_path``, ``gt_label``, ``shape``,
        ``texture``."""
        classes: Sequence[str] = self.metainfo['classes']
        data_list = []
        for path, label in scan_class_folders(self.data_root, classes,
                                              ('.png', )):
            shape, texture = parse_stimulus(path)
            if shape != classes[label] or texture not in classes:
                raise ValueError(f'{path}: shape {shape!r} or texture '
                                 f'{texture!r} does not fit its folder and '
                                 f'the categories {tuple(classes)}')
            if self.drop_same and shape == texture:
                continue
            data_list.append(
                dict(
                    img_path=path,
                    gt_label=label,
                    shape=shape,
                    texture=texture))
        return data_list
