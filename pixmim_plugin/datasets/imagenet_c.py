"""ImageNet-C: ImageNet's validation set under 15 corruptions at 5
severities (`Hendrycks and Dietterich, 2019
<https://arxiv.org/abs/1903.12261>`_), read as one dataset."""
import os.path as osp
from typing import Dict, List, Optional, Sequence

from mmpretrain.datasets import BaseDataset
from mmpretrain.datasets.categories import IMAGENET_CATEGORIES
from mmpretrain.registry import DATASETS

from .class_folders import scan_class_folders
from .wnids import IMAGENET_WNIDS

# the 15 corruptions of the benchmark (and of mCE), by group
CORRUPTION_GROUPS = {
    'noise': ('gaussian_noise', 'shot_noise', 'impulse_noise'),
    'blur': ('defocus_blur', 'glass_blur', 'motion_blur', 'zoom_blur'),
    'weather': ('snow', 'frost', 'fog', 'brightness'),
    'digital':
    ('contrast', 'elastic_transform', 'pixelate', 'jpeg_compression'),
}
CORRUPTIONS = tuple(c for group in CORRUPTION_GROUPS.values() for c in group)
# released with the set, not part of mCE
EXTRA_CORRUPTIONS = ('speckle_noise', 'gaussian_blur', 'spatter', 'saturate')
EXTRA_GROUPS = {
    'speckle_noise': 'noise',
    'gaussian_blur': 'blur',
    'spatter': 'weather',
    'saturate': 'digital'
}


@DATASETS.register_module()
class ImageNetC(BaseDataset):
    """Every (corruption, severity) folder of ImageNet-C in one dataset.

    Layout ``<data_root>/<corruption>/<severity>/<class folder>/<image>``;
    copies that add the group folder
    (``<data_root>/<group>/<corruption>/...``, groups noise, blur, weather,
    digital) are read as well. Each sample carries ``corruption`` and
    ``severity`` (add them to ``PackInputs``' ``meta_keys`` so that
    :class:`MeanCorruptionError` sees them).

    Args:
        data_root (str): The root of the set.
        corruptions (Sequence[str]): The corruption folders to read.
            Defaults to the 15 of the benchmark.
        severities (Sequence[int]): Defaults to 1..5.
        class_folders (Sequence[str]): The class folders in label order.
            Defaults to ImageNet-1k's sorted wnids.
        metainfo (dict, optional): ``classes``; defaults to ImageNet's
            class names.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``.
    """
    METAINFO = {'classes': IMAGENET_CATEGORIES}

    def __init__(self,
                 data_root: str,
                 corruptions: Sequence[str] = CORRUPTIONS,
                 severities: Sequence[int] = (1, 2, 3, 4, 5),
                 class_folders: Sequence[str] = IMAGENET_WNIDS,
                 metainfo: Optional[dict] = None,
                 **kwargs) -> None:
        known = CORRUPTIONS + EXTRA_CORRUPTIONS
        unknown = [c for c in corruptions if c not in known]
        if unknown or not corruptions:
            raise ValueError(f'corruptions must be among {known}, got '
                             f'{list(corruptions)}')
        bad = [s for s in severities if s not in (1, 2, 3, 4, 5)]
        if bad or not severities:
            raise ValueError(f'severities must be in 1..5, got {severities}')
        self.corruptions = tuple(corruptions)
        self.severities = tuple(severities)
        self.class_folders = tuple(class_folders)
        super().__init__(
            ann_file='', data_root=data_root, metainfo=metainfo, **kwargs)
        classes = self.metainfo.get('classes')
        if classes is not None and len(classes) != len(self.class_folders):
            raise ValueError(f'{len(self.class_folders)} class folders but '
                             f'{len(classes)} classes in metainfo')

    def corruption_dir(self, corruption: str) -> str:
        """``<data_root>/<corruption>``, or the one under its group."""
        plain = osp.join(self.data_root, corruption)
        group = {c: g for g, cs in CORRUPTION_GROUPS.items() for c in cs}
        group.update(EXTRA_GROUPS)
        grouped = osp.join(self.data_root, group[corruption], corruption)
        if osp.isdir(plain):
            return plain
        if osp.isdir(grouped):
            return grouped
        raise FileNotFoundError(
            f'missing corruption folder {plain} (nor {grouped})')

    def load_data_list(self) -> List[Dict]:
        """One dict per image: ``img_path``, ``gt_label``, ``corruption``,
        ``severity``, corruption by corruption, severity by severity."""
        data_list = []
        for corruption in self.corruptions:
            root = self.corruption_dir(corruption)
            for severity in self.severities:
                path = osp.join(root, str(severity))
                for img_path, label in scan_class_folders(
                        path, self.class_folders):
                    data_list.append(
                        dict(
                            img_path=img_path,
                            gt_label=label,
                            corruption=corruption,
                            severity=severity))
        return data_list
