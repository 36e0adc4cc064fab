"""Robustness of the demo fine-tuned classifiers: ImageNet-C-style mCE and
cue-conflict shape bias on the demo sets (``make demo-robustness``).

    python tools/demo_robustness.py work_dirs/demo_ft \
        --texture work_dirs/demo_ft_texture

The shape-labelled model (``work_dirs/demo_ft``) is evaluated on both sets,
the texture-labelled one, if given, on the cue-conflict set. mCE is
normalised by chance-level reference errors (the demo set's
reference_errors.json), not AlexNet's.
"""
import argparse
import json
import os
import os.path as osp

from mmengine.config import DictAction

from pixmim_plugin.evaluation.demo import evaluate, robustness_table

C_CONFIG = 'configs/demo/vit-tiny-p8_1xb32-100it_shapes-c.py'
CUE_CONFIG = 'configs/demo/vit-tiny-p8_1xb32-100it_shapes-cue-conflict.py'


def checkpoint_of(path: str) -> str:
    """``path`` itself, or the last checkpoint of a work dir."""
    last = osp.join(path, 'last_checkpoint')
    if osp.isdir(path):
        if not osp.isfile(last):
            raise FileNotFoundError(f'{path} holds no last_checkpoint')
        with open(last) as f:
            return f.read().strip()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        'shape', help='shape-labelled model: work dir or '
        'checkpoint')
    parser.add_argument('--texture', help='texture-labelled model')
    parser.add_argument('--out', default='work_dirs/demo_robustness')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args()
    models = {'shape-labelled': args.shape}
    if args.texture:
        models['texture-labelled'] = args.texture
    corruption, shape = {}, {}
    for name, path in models.items():
        ckpt = checkpoint_of(path)
        if name == 'shape-labelled':
            corruption[name] = evaluate(C_CONFIG, ckpt,
                                        osp.join(args.out,
                                                 name), args.cfg_options)
        shape[name] = evaluate(CUE_CONFIG, ckpt, osp.join(args.out, name),
                               args.cfg_options)
    table = robustness_table(corruption, shape)
    os.makedirs(args.out, exist_ok=True)
    with open(osp.join(args.out, 'metrics.json'), 'w') as f:
        json.dump(dict(corruption=corruption, shape=shape), f, indent=1)
    print(table)


if __name__ == '__main__':
    main()
