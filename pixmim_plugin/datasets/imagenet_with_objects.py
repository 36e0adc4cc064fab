import json
import os.path as osp
from typing import List

from mmengine import fileio
from mmpretrain.datasets import ImageNet
from mmpretrain.registry import DATASETS


@DATASETS.register_module()
class ImageNetWithObjects(ImageNet):
    """mmpretrain's ``ImageNet`` whose samples also carry their object's
    instance mask, for transforms that need it (``LoadObjectMask``, then
    ``BackgroundResizedCrop``).

    The masks come from a JSON file with one record per image (``file``
    relative to the split's folder and ``segmentation``, COCO's
    uncompressed RLE), as ``tools/make_demo_data.py`` writes for the demo
    set in ``meta/<split>_objects.json``. Each data info gains
    ``gt_object_rle``; the mask is decoded in the pipeline, as mmdet's
    ``LoadAnnotations`` does.

    Args:
        objects_file (str): The JSON, relative to ``data_root``. Defaults to
            ``meta/<split>_objects.json``.
        **kwargs: ``ImageNet``'s arguments (``data_root``, ``split``, ...).
    """

    def __init__(self, objects_file: str = '', **kwargs) -> None:
        split = kwargs.get('split', '')
        if not objects_file:
            if not split:
                raise ValueError('objects_file is needed without a split')
            objects_file = osp.join('meta', f'{split}_objects.json')
        self.objects_file = objects_file
        super().__init__(**kwargs)

    def load_data_list(self) -> List[dict]:
        """``ImageNet``'s samples, each with its ``gt_object_rle``."""
        data_list = super().load_data_list()
        path = fileio.join_path(self.data_root, self.objects_file)
        if not fileio.exists(path):
            raise FileNotFoundError(
                f'objects_file {path} not found (the demo set writes it: '
                'python tools/make_demo_data.py)')
        records = json.loads(fileio.get_text(path))['images']
        by_file = {r['file']: r['segmentation'] for r in records}
        for info in data_list:
            file = osp.relpath(info['img_path'], self.img_prefix)
            if file not in by_file:
                raise KeyError(f'{file} has no mask in {path}')
            info['gt_object_rle'] = by_file[file]
        return data_list
