"""docs/README.md's layout section lists the tree as it is."""
import os
import os.path as osp
import re

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# how deep each top-level folder is listed
DEPTHS = {'pixmim_plugin': 2, 'configs': 1, 'tools': 1, 'tests': 0, 'docs': 0}


def listed_folders() -> set:
    text = open(osp.join(ROOT, 'docs', 'README.md')).read()
    block = text.split('## Repository layout', 1)[1].split('```')[1]
    stack, folders = [], set()
    for line in block.splitlines():
        match = re.match(r'( *)(\S+/)\s', line + ' ')
        if not match:
            continue
        level = len(match.group(1)) // 2
        stack[level:] = [match.group(2).rstrip('/')]
        folders.add('/'.join(stack))
    return folders


def tree_folders() -> set:
    folders = set()
    for top, depth in DEPTHS.items():
        folders.add(top)
        for path, dirs, _ in os.walk(osp.join(ROOT, top)):
            dirs[:] = [d for d in dirs if d != '__pycache__']
            rel = osp.relpath(path, ROOT)
            if rel.count(os.sep) <= depth:
                folders.add(rel.replace(os.sep, '/'))
    return folders


def test_layout_section_lists_every_folder_and_no_other():
    assert listed_folders() == tree_folders()
