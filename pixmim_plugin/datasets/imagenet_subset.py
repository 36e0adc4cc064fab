"""ImageNet-A and ImageNet-R: 200-class subsets of ImageNet-1k's classes
read by a 1000-way classifier (`Hendrycks et al.
<https://arxiv.org/abs/1907.07174>`_, `<https://arxiv.org/abs/2006.16241>`_).
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence

from mmpretrain.datasets import BaseDataset
from mmpretrain.datasets.categories import IMAGENET_CATEGORIES
from mmpretrain.registry import DATASETS

from .class_folders import scan_class_folders
from .wnids import SUBSET_WNIDS, imagenet_indices


@DATASETS.register_module()
class ImageNetSubset(BaseDataset):
    """A set of class folders named by ImageNet wnids, fewer than 1000.

    Layout ``<data_root>/<data_prefix>/<wnid>/<image>``. The sorted wnid
    folders are labels ``0..K-1``; the metainfo's ``imagenet_indices`` lists
    the ImageNet-1k index of each label, ascending, so that a metric (see
    :class:`SubsetAccuracy`) reads a 1000-way head at those columns.

    Args:
        data_root (str): The root of the set.
        subset (str): ``'imagenet-a'`` or ``'imagenet-r'``; ignored when
            ``wnids`` is given. Defaults to ``'imagenet-a'``.
        wnids (Sequence[str], optional): The class folders, ImageNet wnids.
        data_prefix (str): Folder under ``data_root`` holding the class
            folders. Defaults to ''.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``.
    """

    def __init__(self,
                 data_root: str,
                 subset: str = 'imagenet-a',
                 wnids: Optional[Sequence[str]] = None,
                 data_prefix: str = '',
                 metainfo: Optional[dict] = None,
                 **kwargs) -> None:
        if wnids is None:
            if subset not in SUBSET_WNIDS:
                raise ValueError(f'subset must be one of '
                                 f'{sorted(SUBSET_WNIDS)}, got {subset!r}')
            wnids = SUBSET_WNIDS[subset]
        self.wnids = tuple(sorted(wnids))
        indices = imagenet_indices(self.wnids)
        metainfo = dict(
            classes=tuple(IMAGENET_CATEGORIES[i] for i in indices),
            imagenet_indices=indices,
            **(metainfo or {}))
        self.folder = data_prefix
        super().__init__(
            ann_file='', data_root=data_root, metainfo=metainfo, **kwargs)

    def load_data_list(self) -> List[Dict]:
        """One dict per image: ``img_path`` and ``gt_label`` (0..K-1)."""
        path = osp.join(self.data_root, self.folder)
        return [
            dict(img_path=p, gt_label=label)
            for p, label in scan_class_folders(path, self.wnids)
        ]
