"""Turn a PixMIM / MAE / MFM / ConvMAE pre-training checkpoint into the
weights a downstream config loads.

    python tools/convert_checkpoint.py work_dirs/run/epoch_800.pth \
        pixmim_vit-b_mmseg.pth --to mmseg --trust

The output holds only tensors and plain metadata, so it loads with torch's
weights-only loading. A raw mmengine training checkpoint loads weights-only
too (its logger state is allowed for that load); a file that holds other
objects is unpickled in full only with --trust.
"""
import argparse

from pixmim_plugin.checkpoint import CheckpointError, load_checkpoint
from pixmim_plugin.transfer import TARGETS, convert_checkpoint, save_converted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='pre-training checkpoint')
    parser.add_argument('dst', help='converted file to write')
    parser.add_argument('--to', required=True, choices=sorted(TARGETS))
    parser.add_argument(
        '--trust',
        action='store_true',
        help='unpickle the file in full (only for files you trust)')
    args = parser.parse_args()
    try:
        checkpoint = load_checkpoint(args.src, trusted=args.trust)
    except CheckpointError as error:
        raise SystemExit(str(error)) from None
    try:
        state_dict, encoder, report = convert_checkpoint(checkpoint, args.to)
    except ValueError as error:
        raise SystemExit(f'{args.src}: {error}') from error
    save_converted(state_dict,
                   dict(source=args.src, encoder=encoder, target=args.to),
                   args.dst)
    for line in report:
        print(line)
    print(f'wrote {len(state_dict)} tensors to {args.dst}')


if __name__ == '__main__':
    main()
