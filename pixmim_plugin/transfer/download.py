"""Released checkpoints by URL: downloaded once into torch's hub cache (where
mmengine's ``load_from`` keeps them too) and read by
:func:`pixmim_plugin.checkpoint.load_checkpoint` like any file."""
import os
import os.path as osp
import re
from typing import Optional
from urllib.parse import urlparse

import torch

# OpenMMLab's published names end in the first 8 hex digits of the file's
# sha256 (``..._20230322-3304a88c.pth``), the suffix torch.hub checks
HASH_SUFFIX = re.compile(r'-([a-f0-9]{8,})\.')
# pages that show a file rather than serve it
VIEW_PAGES = ('drive.google.com', )


def is_url(path: str) -> bool:
    """Whether ``path`` is an http(s) URL."""
    return path.startswith(('http://', 'https://'))


def fetch(url: str, cache_dir: Optional[str] = None) -> str:
    """The local copy of ``url``, downloaded unless it is in the cache.

    Args:
        url (str): A direct link to a checkpoint file.
        cache_dir (str, optional): Where to keep it. Defaults to
            ``<torch.hub.get_dir()>/checkpoints``.

    Returns:
        str: The file's path.

    Raises:
        ValueError: ``url`` is a page (Google Drive), not a file.
        RuntimeError: The download failed or its sha256 does not start
            with the hash in its name (torch.hub's check).
    """
    host = urlparse(url).netloc
    if host.endswith(VIEW_PAGES):
        raise ValueError(
            f'{url} is a {host} page, not a file: download it in a browser '
            'and pass the downloaded file')
    directory = cache_dir or osp.join(torch.hub.get_dir(), 'checkpoints')
    name = osp.basename(urlparse(url).path)
    path = osp.join(directory, name)
    if osp.isfile(path):
        return path
    os.makedirs(directory, exist_ok=True)
    match = HASH_SUFFIX.search(name)
    try:
        # writes a temporary file and moves it into place when complete
        torch.hub.download_url_to_file(
            url, path, hash_prefix=match.group(1) if match else None)
    except OSError as error:  # URLError, HTTPError, a full disk
        raise RuntimeError(f'{url}: download failed ({error})') from error
    return path
