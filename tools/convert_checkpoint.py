"""Turn a PixMIM / MAE / MFM / ConvMAE checkpoint into the weights a config
loads: a pre-training checkpoint into the encoder of a downstream library,
or any supported checkpoint (the authors' released files included) into
this plugin's names.

    python tools/convert_checkpoint.py work_dirs/run/epoch_800.pth \
        pixmim_vit-b_mmseg.pth --to mmseg --trust
    python tools/convert_checkpoint.py https://download.openmmlab.com/...pth \
        pixmim_vit-b_800e.pth --to model

The source is a file or an http(s) URL (downloaded once into torch's hub
cache). Its key layout (this plugin's, mmselfsup's, the official MFM
code's) is detected, or given with --from. The output holds only tensors
and plain metadata, so it loads with torch's weights-only loading. A raw
mmengine training checkpoint loads weights-only too (its logger state is
allowed for that load); a file that holds other objects is unpickled in
full only with --trust.
"""
import argparse
import os.path as osp
from typing import List, Optional

from pixmim_plugin.checkpoint import load_checkpoint
from pixmim_plugin.cli import InputError, tool_main
from pixmim_plugin.transfer import (LAYOUTS, TARGETS, convert_checkpoint,
                                    fetch, is_url, save_converted)


@tool_main
def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='checkpoint file or http(s) URL')
    parser.add_argument('dst', help='converted file to write')
    parser.add_argument(
        '--to',
        required=True,
        choices=sorted(TARGETS),
        help='a downstream library (encoder only), or model: the whole '
        'model in this plugin\'s names')
    parser.add_argument(
        '--from',
        dest='source',
        default='auto',
        choices=['auto', *LAYOUTS],
        help='key layout of src (default: detected)')
    parser.add_argument(
        '--trust',
        action='store_true',
        help='unpickle the file in full (only for files you trust)')
    args = parser.parse_args(argv)
    if osp.isdir(args.dst):
        raise InputError(f'dst {args.dst}: a folder; give the file to write')
    try:
        path = fetch(args.src) if is_url(args.src) else args.src
    except (ValueError, RuntimeError) as error:  # a page, a failed download
        raise InputError(str(error)) from None
    checkpoint = load_checkpoint(path, trusted=args.trust)
    try:
        state_dict, encoder, report = convert_checkpoint(
            checkpoint, args.to, args.source)
    except ValueError as error:  # not a checkpoint it converts
        raise InputError(f'{args.src}: {error}') from None
    save_converted(state_dict,
                   dict(source=args.src, encoder=encoder, target=args.to),
                   args.dst)
    for line in report:
        print(line)
    print(f'wrote {len(state_dict)} tensors to {args.dst}')


if __name__ == '__main__':
    main()
