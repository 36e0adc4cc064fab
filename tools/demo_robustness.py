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
        'shape', help='shape-labelled model: work dir or checkpoint')
    parser.add_argument('--texture', help='texture-labelled model')
    parser.add_argument(
        '--trust',
        action='store_true',
        help='unpickle raw training checkpoints in full (only files you '
        'trust, such as your own runs)')
    parser.add_argument('--out', default='work_dirs/demo_robustness')
    parser.add_argument(
        '--data-root',
        default='data/demo',
        help='holds imagenet-c/ and cue-conflict/ '
        '(tools/make_demo_data.py --robustness)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='merged into both test configs')
    args = parser.parse_args()
    c_root = osp.join(args.data_root, 'imagenet-c')
    options = {
        C_CONFIG: {
            'test_dataloader.dataset.data_root': c_root,
            'test_evaluator.reference': osp.join(c_root,
                                                 'reference_errors.json'),
        },
        CUE_CONFIG: {
            'test_dataloader.dataset.data_root':
            osp.join(args.data_root, 'cue-conflict')
        }
    }
    models = {'shape-labelled': args.shape}
    if args.texture:
        models['texture-labelled'] = args.texture
    results = {C_CONFIG: {}, CUE_CONFIG: {}}
    for name, path in models.items():
        configs = [C_CONFIG, CUE_CONFIG
                   ] if name == 'shape-labelled' else [CUE_CONFIG]
        for config in configs:
            results[config][name] = evaluate(config, checkpoint_of(path),
                                             osp.join(args.out, name), {
                                                 **options[config],
                                                 **(args.cfg_options or {})
                                             }, args.trust)
    os.makedirs(args.out, exist_ok=True)
    with open(osp.join(args.out, 'metrics.json'), 'w') as f:
        json.dump(
            dict(corruption=results[C_CONFIG], shape=results[CUE_CONFIG]),
            f,
            indent=1)
    print(robustness_table(results[C_CONFIG], results[CUE_CONFIG]))


if __name__ == '__main__':
    main()
