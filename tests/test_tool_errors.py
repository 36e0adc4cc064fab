"""Bad input to every tool under tools/: a missing, truncated or
non-checkpoint file, a checkpoint of another model, a config that does not
exist, a data root without images. Each ends with one line that names the
file and the problem, exit status 1 and no traceback.

Every case runs in this process through the tool's ``main(argv)``; one
case per tool also runs as ``python tools/X.py``, where stderr is what the
user reads."""
import functools
import os
import os.path as osp
import runpy
import subprocess
import sys
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config
from mmpretrain.registry import MODELS
from PIL import Image

from pixmim_plugin.checkpoint import CheckpointError, check_weights
from pixmim_plugin.demo.shapes import write_coco

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PIXMIM = osp.join(ROOT,
                  'configs/demo/pixmim_vit-tiny-p8_1xb32-600it_shapes.py')
CLASSIFIER = osp.join(
    ROOT, 'configs/demo/vit-mini-p4_1xb32-900it_shapes-objects.py')
SHAPE_BIAS_HEADER = ('subj,session,trial,rt,object_response,category,'
                     'condition,imagename\n')


def save_model(config: str, path: str) -> str:
    """The freshly built model of ``config`` as a checkpoint."""
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(config).model)
    torch.save(dict(state_dict=model.state_dict(), meta={}), path)
    return path


def write(path: str, content: bytes) -> str:
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(content)
    return path


@pytest.fixture(scope='module')
def files(tmp_path_factory) -> SimpleNamespace:
    """Inputs, good and bad, under one folder; each case names its own."""
    tmp = str(tmp_path_factory.mktemp('inputs'))
    f = SimpleNamespace(tmp=tmp, out=osp.join(tmp, 'out'), config=PIXMIM)
    f.pixmim = save_model(PIXMIM, osp.join(tmp, 'pixmim.pth'))
    f.cls = save_model(CLASSIFIER, osp.join(tmp, 'classifier.pth'))
    with open(f.pixmim, 'rb') as src:
        f.cut = write(osp.join(tmp, 'cut.pth'), src.read()[:2000])
    f.garbage = write(
        osp.join(tmp, 'garbage.pth'), b'not a checkpoint\xff\xfe' * 10)
    f.missing = osp.join(tmp, 'missing.pth')
    f.missing_config = osp.join(tmp, 'missing_config.py')
    f.workdir = osp.join(tmp, 'work_dir')  # a run that saved nothing
    os.makedirs(f.workdir)
    # folders and files, but no image, at every level the tools look
    f.noimages = osp.join(tmp, 'no_images')
    for folder in ('train/a', 'val/a'):
        write(osp.join(f.noimages, folder, 'readme.txt'), b'no image')
    f.images = osp.join(tmp, 'images')  # images without meta/
    for split in ('train', 'val'):
        os.makedirs(osp.join(f.images, split))
        Image.new('RGB', (8, 8)).save(osp.join(f.images, split, 'a.png'))
    # the demo robustness sets' layout; never read, the checks come first
    f.robust = osp.join(tmp, 'robust')
    for name in ('imagenet-c/fog/1/a/x.png', 'imagenet-c/reference_errors'
                 '.json', 'cue-conflict/cat/cat1-dog1.png'):
        write(osp.join(f.robust, name), b'')
    coco = osp.join(tmp, 'coco')
    write_coco(coco, 'val', 1)
    f.ann = osp.join(coco, 'annotations', 'instances_val.json')
    with open(f.ann, 'rb') as src:
        f.cut_json = write(osp.join(tmp, 'cut.json'), src.read()[:100])
    f.not_coco = write(osp.join(tmp, 'list.json'), b'[1, 2]')
    f.missing_csv = osp.join(tmp, 'missing.csv')
    f.cut_csv = write(
        osp.join(tmp, 'cut.csv'),
        (SHAPE_BIAS_HEADER +
         'm,1,1,NaN,cat,cat,NaN,cat4-dog1.png\nm,1,2,Na').encode())
    f.other_csv = write(osp.join(tmp, 'other.csv'), b'a,b\n1,2\n')
    return f


@functools.lru_cache()
def tool_main(script: str):
    """``main`` of ``tools/<script>``, loaded once."""
    return runpy.run_path(osp.join(ROOT, 'tools', script))['main']


# (tool, arguments, what the message holds); {name} is a path of `files`
CASES = {
    'convert_checkpoint.py': [
        ('missing', '{missing} {out}/x.pth --to mmseg',
         '{missing}: no such file'),
        ('truncated', '{cut} {out}/x.pth --to mmseg',
         '{cut}: not a readable torch checkpoint (truncated'),
        ('not-a-checkpoint', '{garbage} {out}/x.pth --to mmseg',
         '{garbage}: not a readable torch checkpoint'),
        ('other-model', '{cls} {out}/x.pth --to mmseg',
         '{cls}: not a pre-training checkpoint'),
        ('dst-folder', '{pixmim} {workdir} --to mmseg',
         'dst {workdir}: a folder'),
    ],
    'visualize_reconstruction.py': [
        ('missing-config', '{missing_config} {pixmim}',
         'config {missing_config}: no such file'),
        ('missing', '{config} {missing}',
         'checkpoint {missing}: no such file or work_dir'),
        ('truncated', '{config} {cut}',
         '{cut}: not a readable torch checkpoint'),
        ('not-a-checkpoint', '{config} {garbage}',
         '{garbage}: not a readable torch checkpoint'),
        ('other-model', '{config} {cls}',
         '{cls}: not a checkpoint of PixMIM ({config}): '),
        ('work-dir-without-checkpoint', '{config} {workdir}',
         '{workdir}: a folder without last_checkpoint'),
        ('data-root-without-images', '{config} {pixmim} --cfg-options '
         'train_dataloader.dataset.data_root={noimages}',
         'no images (.jpg, .jpeg, .png, .ppm, .bmp, .pgm, .tif) in '
         '{noimages}/val or its subfolders'),
        ('missing-image', '{config} {pixmim} --images {missing}',
         '--images: {missing}: no such file'),
    ],
    'analysis/frequency_psnr.py': [
        ('missing-config',
         '{config} {pixmim} {missing_config} {pixmim} --data-root '
         '{images}', 'config {missing_config}: no such file'),
        ('missing', '{config} {pixmim} {config} {missing} --data-root '
         '{images}', 'checkpoint {missing}: no such file or work_dir'),
        ('truncated', '{config} {cut} --data-root {images}',
         '{cut}: not a readable torch checkpoint'),
        ('not-a-checkpoint', '{config} {garbage} --data-root {images}',
         '{garbage}: not a readable torch checkpoint'),
        ('other-model', '{config} {cls} --data-root {images}',
         '{cls}: not a checkpoint of PixMIM'),
        ('work-dir-without-checkpoint',
         '{config} {workdir} --data-root {images}',
         '{workdir}: a folder without last_checkpoint'),
        ('data-root-without-images', '{config} {pixmim} --data-root '
         '{noimages}', '--data-root {noimages}: no images'),
    ],
    'analysis/choose_radius.py': [
        ('missing-config', '--config {missing_config}',
         '--config {missing_config}: no such file'),
        ('data-root-without-images', "--data-root {noimages} --folder '' "
         '--sizes 32', '--data-root {noimages}: no images'),
        ('missing-data-root', '--data-root {missing} --sizes 32',
         '--data-root {missing}: no folder {missing}/train'),
    ],
    'analysis/object_coverage.py': [
        ('missing-annotations', '--ann {missing} --out {out}',
         '--ann {missing}: no such file'),
        ('truncated-annotations', '--ann {cut_json} --img-root {tmp} --out '
         '{out}', '{cut_json}: not a readable JSON file'),
        ('not-coco', '--ann {not_coco} --img-root {tmp} --out {out}',
         '{not_coco}: not COCO instance annotations'),
        ('img-root-without-images', '--ann {ann} --img-root {noimages} '
         '--out {out}', 'not found in img_root'),
        ('missing-img-root', '--ann {ann} --img-root {missing} --out {out}',
         '--img-root {missing}: no such folder'),
        ('masks-folder-without-masks', '--masks {noimages} --out {out}',
         '--masks {noimages}: no mask files'),
        ('missing-config', '--config-rrc {missing_config} --out {out}',
         '--config-rrc {missing_config}: no such file'),
    ],
    'analysis/plot_shape_bias.py': [
        ('missing', '{missing_csv}', 'csv {missing_csv}: no such file'),
        ('folder-without-csv', '{noimages}',
         'csv {noimages}: a folder without .csv files'),
        ('truncated', '{cut_csv}', 'csv {cut_csv}: 1 of 2 rows have an empty '
         'subj/object_response/imagename (a truncated file?), first at line 3'
         ),
        ('not-shape-bias', '{other_csv}',
         'csv {other_csv}: not a ShapeBias CSV (no column imagename, '
         'object_response, subj)'),
        ('not-a-csv', '{garbage}', 'csv {garbage}: not a CSV file'),
    ],
    'demo_robustness.py': [
        ('missing', '{missing} --data-root {robust} --out {out}',
         '{missing}: no such file'),
        ('truncated', '{cut} --data-root {robust} --out {out}',
         '{cut}: not a readable torch checkpoint'),
        ('not-a-checkpoint', '{garbage} --data-root {robust} --out {out}',
         '{garbage}: not a readable torch checkpoint'),
        ('other-model', '{pixmim} --data-root {robust} --out {out}',
         '{pixmim}: not a checkpoint of ImageClassifier (configs/demo/'
         'vit-mini-p4_1xb32-900it_shapes-cue-conflict.py): '),
        ('bad-texture-model', '{cls} --texture {cut} --data-root {robust} '
         '--out {out}', '{cut}: not a readable torch checkpoint'),
        ('work-dir-without-checkpoint', '{workdir} --data-root {robust} '
         '--out {out}', '{workdir}: a folder without last_checkpoint'),
        ('data-root-without-images', '{cls} --data-root {noimages} --out '
         '{out}', '--data-root {noimages}: no folder {noimages}/imagenet-c'),
    ],
    'make_demo_data.py': [
        ('root-is-a-file', '--root {garbage}',
         '--root {garbage}: a file, not a folder'),
    ],
    'analysis/study.py': [
        ('data-root-without-images', '--data-root {noimages} --out {out}',
         'no images (.jpg, .jpeg, .png, .ppm, .bmp, .pgm, .tif) in '
         '{noimages}/train'),
        ('data-root-without-meta', '--data-root {images} --out {out}',
         '--data-root {images}: {images}/meta/val.txt: no such file'),
        ('truncated-coverage-annotations', '--report-only --coverage-ann '
         '{cut_json} --out {out}', '{cut_json}: not a readable JSON file'),
    ],
    'benchmark.py': [
        ('missing-config', '--only speed --config {missing_config}',
         '--config {missing_config}: no such file'),
    ],
}
# one case per tool as a process of its own (the imports take seconds)
IN_A_PROCESS = {
    'convert_checkpoint.py': 'not-a-checkpoint',
    'visualize_reconstruction.py': 'other-model',
    'analysis/frequency_psnr.py': 'data-root-without-images',
    'analysis/choose_radius.py': 'missing-config',
    'analysis/object_coverage.py': 'truncated-annotations',
    'analysis/plot_shape_bias.py': 'truncated',
    'demo_robustness.py': 'other-model',
    'make_demo_data.py': 'root-is-a-file',
    'analysis/study.py': 'data-root-without-images',
    'benchmark.py': 'missing-config',
}
PARAMS = [
    pytest.param(script, args, expected, id=f'{script}:{case}')
    for script, cases in CASES.items() for case, args, expected in cases
]


def argv(args: str, files: SimpleNamespace) -> list:
    """``args`` split as a shell would (``''`` an empty argument), each
    ``{name}`` a path of ``files``."""
    return ['' if a == "''" else a.format(**vars(files)) for a in args.split()]


@pytest.mark.parametrize('script,args,expected', PARAMS)
def test_tool_names_the_file_and_the_problem(script, args, expected, files,
                                             capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # where the tools' default paths start
    with pytest.raises(SystemExit) as stop:
        tool_main(script)(argv(args, files))
    message = stop.value.code  # a string: exit status 1
    assert isinstance(message, str) and '\n' not in message
    assert message.startswith(f'{osp.basename(script)}: error: ')
    assert expected.format(**vars(files)) in message
    assert 'Traceback' not in capsys.readouterr().err


@pytest.mark.parametrize('script,args,expected', [
    p for p in PARAMS if p.id == f'{p.values[0]}:'
    f'{IN_A_PROCESS[p.values[0]]}'
])
def test_tool_process_prints_one_line_and_exits_1(script, args, expected,
                                                  files):
    proc = subprocess.run(
        [sys.executable,
         osp.join('tools', script), *argv(args, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=ROOT))
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert 'Traceback' not in proc.stderr
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f'{osp.basename(script)}: error: ')
    assert expected.format(**vars(files)) in lines[0]


def test_check_weights_allows_extra_keys_and_names_each_kind_of_mismatch():
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 1))
    state = dict(model.state_dict(), extra=torch.zeros(1))
    check_weights(model, state, 'f.pth')  # loading ignores extra keys
    state['0.weight'] = torch.zeros(3, 3)
    del state['1.bias']
    with pytest.raises(CheckpointError) as error:
        check_weights(model, state, 'f.pth', 'the MLP')
    assert str(error.value) == (
        "f.pth: not a checkpoint of the MLP: 1 of 4 keys missing, e.g. "
        "'1.bias'; 1 unexpected, e.g. 'extra'; 1 of another shape, e.g. "
        "'0.weight' (3, 3) where the model has (3, 2)")
