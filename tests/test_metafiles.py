"""The model index: configs/*/metafile.yml, their README.md files and the
top-level model-index.yml, in mmpretrain's model-index format."""
import re
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ALGORITHMS = ('pixmim', 'mfm', 'convmae', 'mff', 'lsmae', 'simmim')
METAFILES = [ROOT / 'configs' / algo / 'metafile.yml' for algo in ALGORITHMS]
TASK_METRICS = {
    'Image Classification': {'Top 1 Accuracy'},
    'Object Detection': {'box AP'},
    'Instance Segmentation': {'mask AP'},
    'Semantic Segmentation': {'mIoU'},
}
# [text](target): the target up to a space, ')' or '#'
LINK = re.compile(r'\]\(([^)\s#]+)(?:#[^)\s]*)?\)')


def load(path: Path) -> dict:
    with open(path, encoding='utf-8') as f:
        return yaml.safe_load(f)


def models_of(path: Path) -> List[dict]:
    return load(path)['Models']


def local_links(readme: Path) -> List[str]:
    text = readme.read_text(encoding='utf-8')
    return [t for t in LINK.findall(text) if '://' not in t]


@pytest.mark.parametrize('path', METAFILES, ids=ALGORITHMS)
def test_metafile_parses_with_collections_and_models(path: Path) -> None:
    data = load(path)
    assert set(data) == {'Collections', 'Models'}
    for col in data['Collections']:
        meta = col['Metadata']
        assert meta['Training Data'] == 'ImageNet-1k'
        assert meta['Training Techniques'] and meta['Architecture']
        assert col['Paper']['URL'].startswith('https://arxiv.org/abs/')
        assert col['Paper']['Title']
        assert (ROOT / col['README']).is_file(), col['README']
    collections = {col['Name'] for col in data['Collections']}
    for model in data['Models']:
        assert model['In Collection'] in collections, model['Name']
        assert model['Config'].startswith(f'configs/{path.parent.name}/') \
            or model['Config'].startswith('configs/pixmim/benchmarks/')
        assert {'Epochs', 'Batch Size'} & set(model['Metadata'])


@pytest.mark.parametrize('path', METAFILES, ids=ALGORITHMS)
def test_every_config_exists(path: Path) -> None:
    for model in models_of(path):
        assert (ROOT / model['Config']).is_file(), model['Config']


def test_names_unique_and_downstream_listed() -> None:
    models = [m for path in METAFILES for m in models_of(path)]
    names = [m['Name'] for m in models]
    assert len(names) == len(set(names))
    for model in models:
        for name in model.get('Downstream', []):
            assert name in names, (model['Name'], name)


@pytest.mark.parametrize('path', METAFILES, ids=ALGORITHMS)
def test_results_are_percentages_of_known_metrics(path: Path) -> None:
    for model in models_of(path):
        # pre-training entries carry no result, their Downstream entries do
        for result in model['Results'] or []:
            metrics = result['Metrics']
            assert set(metrics) <= TASK_METRICS[result['Task']]
            for value in metrics.values():
                assert isinstance(value, float) and 0 < value < 100


def test_weights_are_the_released_files_the_converter_knows() -> None:
    """Every Weights URL is one of ``pixmim_plugin.transfer.RELEASED``,
    whose loading tests/test_released_weights.py checks."""
    from pixmim_plugin.transfer.released import RELEASED
    released = {r.url for r in RELEASED}
    weights = [
        m['Weights'] for path in METAFILES for m in models_of(path)
        if 'Weights' in m
    ]
    assert weights
    assert set(weights) <= released, set(weights) - released


@pytest.mark.parametrize('algo', ALGORITHMS)
def test_readme_links_exist_and_cover_the_folder(algo: str) -> None:
    folder = ROOT / 'configs' / algo
    readme = folder / 'README.md'
    targets = local_links(readme)
    for target in targets:
        assert (folder / target).exists(), f'{readme}: {target}'
    linked = {(folder / t).resolve() for t in targets}
    configs = [
        *sorted(folder.glob('*.py')), *sorted(folder.glob('benchmarks/*.py'))
    ]
    assert configs
    for config in configs:
        assert config.resolve() in linked, f'{readme} does not link {config}'
    # each metafile config appears in the README table too
    for model in models_of(folder / 'metafile.yml'):
        assert (ROOT / model['Config']).resolve() in linked, model['Config']
    assert '```bibtex' in readme.read_text(encoding='utf-8')


def test_model_index_imports_every_metafile_and_nothing_else() -> None:
    index = load(ROOT / 'model-index.yml')
    assert set(index) == {'Import'}
    imported = index['Import']
    assert len(imported) == len(set(imported))
    found = {
        p.relative_to(ROOT).as_posix()
        for p in ROOT.glob('configs/*/metafile.yml')
    }
    assert set(imported) == found


def test_mim_reads_the_index() -> None:
    """openmim's own reader (``mim search``'s) loads every model with its
    collection's metadata."""
    pytest.importorskip('modelindex')
    load_index = pytest.importorskip('modelindex.load_model_index').load
    convert2df = pytest.importorskip('mim.commands.search').convert2df
    index = load_index(str(ROOT / 'model-index.yml'))
    frame = convert2df(index)
    expected: Dict[str, int] = {}
    for path in METAFILES:
        for model in models_of(path):
            expected[model['Name']] = model['Config']
    assert sorted(frame.index) == sorted(expected)
    for name, config in expected.items():
        assert frame.loc[name, 'config'] == config
        assert frame.loc[name, 'training_data'] == 'imagenet-1k'


def test_root_readme_cites_every_paper() -> None:
    text = (ROOT / 'README.md').read_text(encoding='utf-8')
    start = text.index('## Citation')
    block = text[start:text.index('```', text.index('```bibtex', start) + 3)]
    for key in ('liu2023pixmim', 'xie2023masked', 'he2022masked',
                'liu2023improving', 'gao2022mcmae', 'hu2022exploring',
                'xie2022simmim'):
        assert f'{{{key},' in block, key
