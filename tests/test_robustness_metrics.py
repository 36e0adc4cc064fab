"""mCE, subset accuracy and shape bias against hand computations."""
import json

import numpy as np
import pytest
import torch

from pixmim_plugin.datasets.imagenet_c import CORRUPTIONS, EXTRA_CORRUPTIONS
from pixmim_plugin.datasets.wnids import (IMAGENET_A_WNIDS, IMAGENET_R_WNIDS,
                                          IMAGENET_WNIDS, imagenet_indices)
from pixmim_plugin.evaluation.metrics import (MeanCorruptionError, ShapeBias,
                                              SubsetAccuracy,
                                              corruption_errors)
from pixmim_plugin.evaluation.metrics import \
    mean_corruption_error as mce_module
from pixmim_plugin.evaluation.metrics import shape_bias
from pixmim_plugin.evaluation.metrics.mean_corruption_error import \
    ALEXNET_ERRORS


def error_fixture():
    """Known errors: corruption i, severity s -> (i + 1) * s / 100; the 4
    extra corruptions at 0.99 (they must not move any mean)."""
    errors = {
        (c, s): (i + 1) * s / 100
        for i, c in enumerate(CORRUPTIONS)
        for s in range(1, 6)
    }
    errors.update({
        (c, s): 0.99
        for c in EXTRA_CORRUPTIONS
        for s in range(1, 6)
    })
    return errors


def test_mce_by_hand():
    out = corruption_errors(error_fixture(), ALEXNET_ERRORS)
    # CE_c = sum_s E / sum_s E^AlexNet = (i + 1) * 15 / 100 / (5 * ref)
    ces = [(i + 1) * 0.15 / (5 * ALEXNET_ERRORS[c])
           for i, c in enumerate(CORRUPTIONS)]
    assert out['mCE'] == pytest.approx(100 * sum(ces) / 15)
    assert out['CE/fog'] == pytest.approx(100 * 10 * 0.03 / 0.819324)
    # unnormalised: mean over 15 x 5 of (i + 1) * s / 100 = 8 * 3 / 100
    assert out['mean_error'] == pytest.approx(24)
    for s in range(1, 6):  # mean over i of (i + 1) * s = 8 * s
        assert out[f'error/severity_{s}'] == pytest.approx(8 * s)
    # the extra corruptions are reported, never averaged
    assert out['error/spatter'] == pytest.approx(99)
    assert 'CE/spatter' not in out


def test_mce_independent_of_corruption_order():
    errors = error_fixture()
    reordered = list(reversed(CORRUPTIONS))
    shuffled_errors = dict(reversed(list(errors.items())))
    a = corruption_errors(errors, ALEXNET_ERRORS)
    b = corruption_errors(shuffled_errors, ALEXNET_ERRORS, reordered)
    assert a == pytest.approx(b)


def test_ragged_severities_are_refused():
    errors = error_fixture()
    del errors['fog', 3]
    with pytest.raises(ValueError, match='fog'):
        corruption_errors(errors, ALEXNET_ERRORS)


@pytest.fixture
def logged(monkeypatch):
    """The messages the metric logs."""
    lines = []
    monkeypatch.setattr(mce_module, 'print_log',
                        lambda msg, *args, **kwargs: lines.append(msg))
    return lines


def test_subset_of_corruptions_is_mce_partial_never_mce(logged):
    errors = {k: v for k, v in error_fixture().items() if k[0] != 'snow'}
    out = corruption_errors(errors, ALEXNET_ERRORS)
    assert 'mCE' not in out
    kept = [(i, c) for i, c in enumerate(CORRUPTIONS) if c != 'snow']
    ces = [(i + 1) * 0.15 / (5 * ALEXNET_ERRORS[c]) for i, c in kept]
    assert out['mCE_partial'] == pytest.approx(100 * sum(ces) / 14)
    # all five severities: each CE is the benchmark's CE of its corruption
    assert out['CE/fog'] == pytest.approx(100 * 10 * 0.03 / 0.819324)
    (line, ) = logged
    assert 'mCE_partial' in line and 'snow' not in line.split('not the')[0]
    assert "'fog'" in line and '[1, 2, 3, 4, 5]' in line
    # the extra corruptions averaged in are not the benchmark either
    out = corruption_errors(error_fixture(), {
        **ALEXNET_ERRORS, 'spatter': 0.5
    }, CORRUPTIONS + ('spatter', ))
    assert 'mCE' not in out and 'mCE_partial' in out


def test_subset_of_severities_with_five_severity_means_gives_no_ce(logged):
    """AlexNet's published errors are means over severities 1-5: dividing
    severity 5's error by them is no CE; only the errors are reported."""
    errors = {k: v for k, v in error_fixture().items() if k[1] == 5}
    out = corruption_errors(errors, ALEXNET_ERRORS)
    assert not [k for k in out if 'CE' in k]
    assert out['error/severity_5'] == pytest.approx(40)  # mean of (i+1)*5
    assert out['mean_error'] == pytest.approx(40)
    (line, ) = logged
    assert 'no CE' in line and 'severities [5]' in line


def test_subset_of_severities_with_a_reference_per_severity(logged):
    """A reference of five errors per corruption normalises any severity
    set: CE_c = sum_{s in S} E / sum_{s in S} E^ref."""
    reference = {c: [0.5, 0.6, 0.7, 0.8, 0.9] for c in CORRUPTIONS}
    errors = {k: v for k, v in error_fixture().items() if k[1] in (2, 4)}
    out = corruption_errors(errors, reference)
    # fog is corruption 10: errors 0.2 and 0.4
    assert out['CE_partial/fog'] == pytest.approx(100 * 0.6 / 1.4)
    assert 'CE/fog' not in out and 'mCE' not in out
    # mean over i of (i + 1) * 0.06 / 1.4 = 8 * 0.06 / 1.4
    assert out['mCE_partial'] == pytest.approx(100 * 8 * 0.06 / 1.4)
    assert 'severities [2, 4]' in logged[0]
    # all five severities: the benchmark's mCE, sum over sum
    out = corruption_errors(error_fixture(), reference)
    assert out['mCE'] == pytest.approx(100 * 8 * 0.15 / 3.5)
    # five equal reference errors are the same as their mean
    flat = {c: [ALEXNET_ERRORS[c]] * 5 for c in CORRUPTIONS}
    assert corruption_errors(error_fixture(), flat)['mCE'] == pytest.approx(
        corruption_errors(error_fixture(), ALEXNET_ERRORS)['mCE'])


def sample(label, pred, score=None, **meta):
    out = dict(gt_label=torch.tensor([label]), pred_label=torch.tensor([pred]))
    if score is not None:
        out['pred_score'] = torch.as_tensor(score, dtype=torch.float32)
    out.update(meta)
    return out


def test_mce_metric_counts_samples(tmp_path):
    """The metric's errors are the fractions of wrong samples; a reference
    file replaces AlexNet's."""
    reference = {c: 0.5 for c in CORRUPTIONS}
    path = tmp_path / 'ref.json'
    path.write_text(json.dumps(reference))
    metric = MeanCorruptionError(reference=str(path))
    metric.dataset_meta = dict(classes=('a', 'b'))
    samples = []
    for i, c in enumerate(CORRUPTIONS):
        for s in range(1, 6):
            # 4 samples per folder, wrong ones: 1 for fog severity 5
            wrong = int(c == 'fog' and s == 5)
            samples += [
                sample(0, int(j < wrong), corruption=c, severity=s)
                for j in range(4)
            ]
    metric.process({}, samples)
    out = metric.compute_metrics(metric.results)
    # fog: errors (0, 0, 0, 0, 0.25) -> CE 0.05 / 0.5
    assert out['CE/fog'] == pytest.approx(10)
    assert out['mCE'] == pytest.approx(10 / 15)
    assert out['error/severity_5'] == pytest.approx(25 / 15)


def test_mce_metric_on_one_severity_reports_no_mce(logged):
    metric = MeanCorruptionError()
    metric.process({}, [
        sample(0, int(c == 'fog'), corruption=c, severity=5)
        for c in CORRUPTIONS
    ])
    out = metric.compute_metrics(metric.results)
    assert not [k for k in out if 'CE' in k]
    assert out['error/fog'] == 100 and out['error/severity_5'] == 100 / 15
    assert 'no CE' in logged[0]


def test_mce_metric_bad_input(tmp_path):
    with pytest.raises(ValueError, match='reference error of fog'):
        MeanCorruptionError(reference={**ALEXNET_ERRORS, 'fog': 1.5})
    with pytest.raises(ValueError, match='reference error of fog.*5 such'):
        MeanCorruptionError(reference={**ALEXNET_ERRORS, 'fog': [0.5] * 4})
    metric = MeanCorruptionError()
    metric.dataset_meta = dict(classes=tuple(range(1000)))
    with pytest.raises(KeyError, match='meta_keys'):
        metric.process({}, [sample(0, 0)])
    with pytest.raises(ValueError, match='8 outputs, the dataset 1000'):
        metric.process(
            {}, [sample(0, 0, torch.ones(8), corruption='fog', severity=1)])


def test_subset_index_lists():
    a, r = imagenet_indices(IMAGENET_A_WNIDS), imagenet_indices(
        IMAGENET_R_WNIDS)
    assert len(a) == len(set(a)) == 200 and len(r) == len(set(r)) == 200
    assert a[:10] == [6, 11, 13, 15, 17, 22, 23, 27, 30, 37]
    assert a[-5:] == [981, 984, 986, 987, 988]
    assert r[:10] == [1, 2, 4, 6, 8, 9, 11, 13, 22, 23]
    assert r[-5:] == [967, 980, 981, 983, 988]
    assert len(set(a) & set(r)) == 86
    assert list(IMAGENET_WNIDS) == sorted(set(IMAGENET_WNIDS))
    assert len(IMAGENET_WNIDS) == 1000
    assert IMAGENET_WNIDS[0] == 'n01440764'  # tench
    assert IMAGENET_WNIDS[999] == 'n15075141'  # toilet tissue


@pytest.mark.parametrize('wnids', [IMAGENET_A_WNIDS, IMAGENET_R_WNIDS])
def test_subset_accuracy_masks_other_classes(wnids):
    """Logits whose overall argmax is outside the subset still give the
    subset's argmax; labels are positions in the sorted index list."""
    indices = imagenet_indices(wnids)
    outside = next(i for i in range(1000) if i not in indices)
    rng = np.random.default_rng(0)
    samples, expected = [], []
    for label in (0, 57, 199):
        score = torch.as_tensor(rng.uniform(0, 0.1, 1000))
        score[outside] = 10.0  # the 1000-way argmax, not in the subset
        score[indices[label]] = 1.0  # the best subset column
        samples.append(sample(label, outside, score))
        expected.append(True)
        # a second sample whose subset argmax is another subset class
        score = score.clone()
        score[indices[(label + 1) % 200]] = 2.0
        samples.append(sample(label, outside, score))
        expected.append(False)
    metric = SubsetAccuracy(indices=indices)
    metric.process({}, samples)
    out = metric.compute_metrics(metric.results)
    assert out['top1'] == pytest.approx(100 * np.mean(expected))
    # from the dataset's metainfo
    metric = SubsetAccuracy()
    metric.dataset_meta = dict(imagenet_indices=indices)
    metric.process({}, samples)
    assert metric.compute_metrics(metric.results) == out
    with pytest.raises(ValueError, match='8 outputs.*1000-way'):
        metric.process({}, [sample(0, 0, torch.ones(8))])


def test_shape_bias_by_hand():
    decisions = [
        ('cat', 'dog', 'cat'),  # shape
        ('cat', 'dog', 'dog'),  # texture
        ('cat', 'car', 'cat'),  # shape
        ('cat', 'car', 'knife'),  # neither: ignored in the ratio
        ('cat', 'cat', 'dog'),  # shape == texture: dropped
        ('dog', 'cat', 'cat'),  # texture
        ('dog', 'cat', 'cat'),  # texture
        ('dog', 'dog', 'dog'),  # dropped
        ('dog', 'car', 'dog'),  # shape
        ('car', 'dog', 'bird'),  # neither
    ]
    out = shape_bias(decisions)
    # 3 shape, 3 texture, 2 neither, 2 dropped
    assert out['num'] == 8
    assert out['shape_bias'] == pytest.approx(3 / 6)
    assert out['shape_accuracy'] == pytest.approx(3 / 8)
    assert out['texture_accuracy'] == pytest.approx(3 / 8)
    assert out['shape_bias/cat'] == pytest.approx(2 / 3)
    assert out['shape_bias/dog'] == pytest.approx(1 / 3)
    assert np.isnan(out['shape_bias/car'])


def test_shape_bias_metric_uses_mean_probability(tmp_path):
    """The category score is the mean over its indices: dog has 116
    indices, so many small dog probabilities lose to one cat index."""
    metric = ShapeBias(csv_dir=str(tmp_path), model_name='m')
    score = torch.zeros(1000)
    score[152:269] = 0.005  # dog indices (most): sum 0.58, mean <= 0.005
    score[281] = 0.3  # cat: mean over 6 indices 0.05
    samples = [
        dict(pred_score=score, img_path='x/cat/cat1-dog2.png'),  # shape
        dict(pred_score=score, img_path='x/dog/dog1-cat3.png'),  # texture
        dict(pred_score=score, img_path='x/cat/cat2-cat1.png'),  # dropped
    ]
    metric.process({}, samples)
    out = metric.compute_metrics(metric.results)
    assert out['shape_bias'] == pytest.approx(0.5)
    assert out['num'] == 2
    csv = (tmp_path / 'cue_conflict_m_session-1.csv').read_text()
    assert csv.count('\n') == 4 and ',cat,cat,' in csv
    with pytest.raises(ValueError, match='8 outputs.*1000-way'):
        metric.process(
            {},
            [dict(pred_score=torch.ones(8), img_path='x/cat/cat1-dog1.png')])


def test_shape_bias_plot_from_metric_csv(tmp_path):
    """Two models' CSV files -> the table's hand-counted values and a
    figure (offline, pandas >= 2)."""
    from pixmim_plugin.evaluation.shape_bias_plot import (
        plot_shape_bias_matrix, read_decisions, shape_bias_table)
    names = [
        'cat/cat1-dog1.png', 'cat/cat2-car1.png', 'dog/dog1-cat1.png',
        'car/car1-dog2.png'
    ]
    index = {'car': 436, 'cat': 281, 'dog': 152}
    # model a answers the shape each time but once; model b the texture
    answers = {
        'a': ['cat', 'cat', 'dog', 'dog'],
        'b': ['dog', 'car', 'cat', 'dog']
    }
    for model, decisions in answers.items():
        metric = ShapeBias(csv_dir=str(tmp_path), model_name=model)
        samples = []
        for name, decision in zip(names, decisions):
            score = torch.zeros(1000)
            score[index[decision]] = 1.0
            samples.append(dict(pred_score=score, img_path=f'x/{name}'))
        metric.process({}, samples)
        metric.compute_metrics(metric.results)
    table = shape_bias_table(
        read_decisions(sorted(map(str, tmp_path.glob('*.csv')))))
    assert table.loc['all', 'a'] == pytest.approx(3 / 4)
    assert table.loc['car', 'a'] == 0 and table.loc['cat', 'a'] == 1
    assert table.loc['all', 'b'] == 0
    out = plot_shape_bias_matrix(table, str(tmp_path / 'plot.png'))
    assert (tmp_path / 'plot.png').stat().st_size > 1000 and out
