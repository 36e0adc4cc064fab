"""Every fenced command and snippet of README.md and docs/*.md works as
written: its config paths exist, its `make` targets exist, its tool flags
are in the tool's parser, its config snippets build, and what a command
reads was written by a command above it (in the same file, or for docs/ in
the README). A config snippet that is a fragment on purpose follows a line
`<!-- not a complete config -->`."""
import argparse
import functools
import glob
import importlib.util
import inspect
import os.path as osp
import re
import runpy
import shlex
import sys
from typing import Dict, Iterator, List, NamedTuple, Optional, Set
from unittest import mock

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DOCS = ['README.md'] + sorted(
    osp.relpath(p, ROOT) for p in glob.glob(osp.join(ROOT, 'docs', '*.md')))
SHELL = ('bash', 'shell', 'sh')
# a config path, not a pattern such as configs/*/benchmarks/ or {a,b}
CONFIG = re.compile(r'(?<![\w/.$-])configs/[\w./-]*\.py\b(?![{*<])')
PARTIAL = '<!-- not a complete config -->'


class Block(NamedTuple):
    doc: str
    line: int
    section: str
    lang: str
    text: str
    partial: bool


def blocks() -> List[Block]:
    found = []
    for doc in DOCS:
        text = open(osp.join(ROOT, doc)).read()
        section, pos = '', 0
        fence = re.compile(r'^```(\w*)\n(.*?)^```', re.M | re.S)
        for match in fence.finditer(text):
            before = text[pos:match.start()]
            for heading in re.findall(r'^#+ (.+)$', before, re.M):
                section = heading
            pos = match.end()
            line = text.count('\n', 0, match.start()) + 1
            partial = before.rstrip().endswith(PARTIAL)
            found.append(
                Block(doc, line, section, match.group(1), match.group(2),
                      partial))
    return found


BLOCKS = blocks()
SHELL_BLOCKS = [b for b in BLOCKS if b.lang in SHELL]
PY_BLOCKS = [b for b in BLOCKS if b.lang == 'python']
TEXT_BLOCKS = [b for b in BLOCKS if b.lang == '']


def block_id(block: Block) -> str:
    return f'{block.doc}:{block.line}'


def commands(block: Block) -> Iterator[List[str]]:
    """The block's commands as argument lists, continuation lines joined,
    `NAME=value` lines and `for` loops over words expanded."""
    lines = block.text.replace('\\\n', ' ').splitlines()
    env: Dict[str, str] = {}

    def expand(line: str, env: Dict[str, str]) -> List[str]:
        line = re.sub(r'\$\{(\w+)\}|\$(\w+)',
                      lambda m: env.get(m.group(1) or m.group(2), m.group(0)),
                      line)
        return shlex.split(line, comments=True)

    i = 0
    while i < len(lines):
        loop = re.match(r'\s*for (\w+) in (.+?); do\s*$', lines[i])
        if loop:
            end = next(
                j for j in range(i, len(lines)) if lines[j].strip() == 'done')
            for word in expand(loop.group(2), env):
                for body in lines[i + 1:end]:
                    argv = expand(body, {**env, loop.group(1): word})
                    if argv:
                        yield argv
            i = end + 1
            continue
        argv = expand(lines[i], env)
        i += 1
        while argv and re.match(r'\w+=', argv[0]):
            name, value = argv.pop(0).split('=', 1)
            if not argv:  # a variable for the next lines, not one command's
                env[name] = value
        if argv:
            yield argv


def tool_and_args(argv: List[str]) -> Optional[List[str]]:
    """`[tools/x.py, args...]` for a python command running a tool."""
    if (len(argv) > 1 and osp.basename(argv[0]) in ('python', 'python3')
            and argv[1].startswith('tools/')):
        return argv[1:]
    return None


def mim_args(argv: List[str]) -> Optional[List[str]]:
    """`[train|test, lib, config, args...]` for a mim command."""
    if osp.basename(argv[0]) == 'mim' and argv[1:2] in (['train'], ['test']):
        return argv[1:]
    return None


@functools.lru_cache()
def make_rules() -> Dict[str, str]:
    """Each Makefile target's prerequisites and recipe, `$(VAR)` expanded."""
    text = open(osp.join(ROOT, 'Makefile')).read().replace('\\\n', ' ')
    variables = dict(re.findall(r'^(\w+) :?= *(.*)$', text, re.M))
    text = re.sub(r'\$\((\w+)\)', lambda m: variables.get(m.group(1), ''),
                  text)
    rules = re.findall(r'^([\w.-]+):(?!=)(.*\n(?:\t.*\n)*)', text, re.M)
    return dict(rules)


def make_targets() -> Set[str]:
    return set(make_rules())


def make_writes(target: str) -> Set[str]:
    """The work_dirs/ folders a target (with its prerequisites) leaves."""
    rules = make_rules()
    first, recipe = rules[target].split('\n', 1)
    paths = set(re.findall(r'work_dirs/[\w.-]+', recipe))
    for prerequisite in set(first.split()) & set(rules):
        paths |= make_writes(prerequisite)
    return paths


class _Parsed(Exception):
    pass


_PARSERS: Dict[str, argparse.ArgumentParser] = {}


def tool_parser(script: str) -> argparse.ArgumentParser:
    """A tool's parser: the tool runs as `__main__` until it parses its
    arguments, which hands over the parser instead (once per tool)."""
    if script not in _PARSERS:

        def grab(parser, *args, **kwargs):
            raise _Parsed(parser)

        with mock.patch.object(argparse.ArgumentParser, 'parse_args', grab), \
                mock.patch.object(argparse.ArgumentParser,
                                  'parse_known_args', grab), \
                mock.patch.object(sys, 'argv', [script]):
            try:
                runpy.run_path(osp.join(ROOT, script), run_name='__main__')
            except _Parsed as parsed:
                parser = parsed.args[0]
            else:
                raise AssertionError(f'{script} parses no arguments')
        _PARSERS[script] = parser
    return _PARSERS[script]


@pytest.mark.parametrize(
    'block', SHELL_BLOCKS + PY_BLOCKS + TEXT_BLOCKS, ids=block_id)
def test_config_paths_exist(block):
    text = block.text
    if block.lang in SHELL:
        text = '\n'.join(' '.join(argv) for argv in commands(block))
    missing = [
        p for p in CONFIG.findall(text) if not osp.isfile(osp.join(ROOT, p))
    ]
    assert not missing, f'{block_id(block)}: no such config {missing}'


@pytest.mark.parametrize('block', SHELL_BLOCKS, ids=block_id)
def test_commands_exist_as_written(block):
    targets = make_targets()
    for argv in commands(block):
        if argv[0] == 'make':
            wanted = [a for a in argv[1:] if '=' not in a and a[0] != '-']
            assert set(wanted) <= targets, \
                f'{block_id(block)}: no make target {set(wanted) - targets}'
        elif mim_args(argv):
            config = mim_args(argv)[2]
            assert osp.isfile(osp.join(ROOT, config)), \
                f'{block_id(block)}: mim config {config} does not exist'
        elif tool_and_args(argv):
            script, *args = tool_and_args(argv)
            assert osp.isfile(osp.join(ROOT, script)), \
                f'{block_id(block)}: no tool {script}'
            flags = {a.split('=', 1)[0] for a in args if a[:1] == '-'}
            unknown = flags - set(tool_parser(script)._option_string_actions)
            assert not unknown, \
                f'{block_id(block)}: {script} has no option {unknown}'


def tool_args(script: str, args: List[str]):
    """A tool's positional arguments and its options' values."""
    actions = tool_parser(script)._option_string_actions
    positionals, options = [], {}
    i = 0
    while i < len(args):
        arg, i = args[i], i + 1
        if arg[:1] != '-':
            positionals.append(arg)
            continue
        name, eq, value = arg.partition('=')
        nargs = actions[name].nargs if name in actions else None
        if eq or nargs == 0:
            options[name] = [value] if eq else []
            continue
        count = 1 if nargs is None or nargs == 1 else len(args)
        values = []
        while i < len(args) and args[i][:1] != '-' and len(values) < count:
            values.append(args[i])
            i += 1
        options[name] = values
    return positionals, options


def cfg_options(args: List[str]) -> Dict[str, str]:
    if '--cfg-options' not in args:
        return {}
    rest = args[args.index('--cfg-options') + 1:]
    pairs = [a.split('=', 1) for a in rest if '=' in a and a[:2] != '--']
    return dict(pairs)


def is_local(path: str) -> bool:
    return not re.match(r'\w+://', path) and '$' not in path


def reads_and_writes(argv: List[str]):
    """What a command reads (files or folders an earlier command has to
    write) and what it writes (with the config that writes a work_dir)."""
    reads, writes = [], []
    if argv[0] == 'make':
        writes = [(path, None, {}) for target in argv[1:]
                  if target in make_targets() for path in make_writes(target)]
    elif mim_args(argv):
        mode, lib, config, *args = mim_args(argv)
        options = cfg_options(args)
        work_dir = args[args.index('--work-dir') + 1] \
            if '--work-dir' in args else None
        if mode == 'train':
            default = 'work_dirs/' + osp.splitext(osp.basename(config))[0]
            writes.append((work_dir or default, config, options))
        elif work_dir:
            writes.append((work_dir, None, {}))
        if '--checkpoint' in args:
            reads.append(args[args.index('--checkpoint') + 1])
        for key, value in options.items():
            if key.endswith('.checkpoint') or key == 'load_from':
                reads.append(value)
            if key.endswith('csv_dir'):
                writes.append((value, None, {}))
    elif tool_and_args(argv):
        script, *args = tool_and_args(argv)
        positionals, options = tool_args(script, args)
        if script == 'tools/convert_checkpoint.py':
            writes.append((positionals.pop(1), None, {}))
        for out in options.pop('--out', []):
            writes.append((out, None, {}))
        values = positionals + sum(options.values(), [])
        reads += [
            v for v in values
            if v.startswith('work_dirs/') or v.endswith('.pth')
        ]
    return [r for r in reads if is_local(r)], writes


@functools.lru_cache()
def last_checkpoint(config: str) -> Optional[str]:
    """`epoch_N.pth` or `iter_N.pth`, the last checkpoint a config's
    training writes; None where its library is missing."""
    from mmengine.config import Config
    text = open(osp.join(ROOT, config)).read()
    for lib in ('mmdet', 'mmseg'):
        if f'{lib}::' in text and not importlib.util.find_spec(lib):
            return None
    train_cfg = Config.fromfile(osp.join(ROOT, config)).train_cfg
    if 'max_epochs' in train_cfg:
        return f'epoch_{train_cfg.max_epochs}.pth'
    return f'iter_{train_cfg.max_iters}.pth'


def check_flow(doc: str, written: list) -> list:
    """Follows `doc`'s commands in order from what is `written` before
    them; returns what is written after them."""
    written = list(written)
    for block in (b for b in SHELL_BLOCKS if b.doc == doc):
        for argv in commands(block):
            reads, writes = reads_and_writes(argv)
            for path in reads:
                source = [(w, c, o) for w, c, o in written
                          if path == w or path.startswith(w + '/')]
                assert source, (f'{block_id(block)} ({block.section}) reads '
                                f'{path}, which no command above writes')
                work_dir, config, options = source[-1]
                if (config and path != work_dir
                        and not any('train_cfg' in k for k in options)):
                    last = last_checkpoint(config)
                    assert last is None or path == f'{work_dir}/{last}', (
                        f'{block_id(block)} reads {path}; {config} ends '
                        f'with {last}')
            written += writes
    return written


@pytest.mark.parametrize('doc', DOCS)
def test_what_a_command_reads_an_earlier_one_writes(doc):
    """Pasted in order, a file's commands connect: a checkpoint or folder
    that one reads is where a command above it writes, and a checkpoint of
    a training run is its last one. The pages of docs/ go into detail
    after the README, so they start from what its commands write."""
    check_flow(doc, [] if doc == 'README.md' else check_flow('README.md', []))


def registered(name: str) -> bool:
    import mmpretrain.registry as registry
    from mmengine.registry import Registry
    return any(
        reg.get(name) is not None for reg in vars(registry).values()
        if isinstance(reg, Registry))


def absolute_bases(text: str, where: str) -> str:
    """The snippet with its `_base_` paths resolved as it intends: relative
    to `where` (a folder of configs/), `path/to/pixmim-plugin/` this
    checkout."""
    text = text.replace("'path/to/pixmim-plugin/", repr(ROOT + '/')[:-1])
    return re.sub(
        r"'(\.\.?/[^']+\.py)'",
        lambda m: repr(osp.normpath(osp.join(ROOT, where, m.group(1)))), text)


@pytest.mark.parametrize('block', PY_BLOCKS, ids=block_id)
def test_python_snippet(block, tmp_path):
    """A config snippet builds its model and train pipeline with the stock
    collate function settings; a fragment names registered types."""
    compile(block.text, block_id(block), 'exec')
    if '_base_ =' not in block.text or block.partial:
        unknown = [
            t for t in re.findall(r"type='([\w.]+)'", block.text)
            if not registered(t.split('.')[-1])
        ]
        assert not unknown, f'{block_id(block)}: unregistered {unknown}'
        return
    for lib in ('mmdet', 'mmseg'):
        if f'{lib}::' in block.text and not importlib.util.find_spec(lib):
            pytest.skip(f'needs {lib}: make install-full')
    from mmengine.config import Config
    from mmengine.registry import FUNCTIONS
    from mmpretrain.registry import MODELS, TRANSFORMS
    named = re.match(r'# (configs/[\w/-]+)/[\w.-]+\.py', block.text)
    path = tmp_path / 'snippet.py'
    path.write_text(
        absolute_bases(block.text,
                       named.group(1) if named else 'configs/pixmim'))
    cfg = Config.fromfile(str(path))
    MODELS.build(cfg.model)
    for transform in cfg.train_dataloader.dataset.get('pipeline', []):
        TRANSFORMS.build(transform)
    collate = dict(cfg.train_dataloader.get('collate_fn', {}))
    if collate:
        # as mmengine's Runner calls it: every other key is a keyword
        function = FUNCTIONS.get(collate.pop('type'))
        try:
            inspect.signature(function).bind([], **collate)
        except TypeError as error:
            raise AssertionError(
                f'{block_id(block)}: collate_fn {collate}: {error}; restate '
                "it: collate_fn=dict(_delete_=True, type='default_collate')")


def test_results_give_each_figure_its_source():
    """Each measured figure's row in docs/results.md names its command,
    commit, hardware and whether the machine was idle; README and the docs
    index link to the page."""
    text = open(osp.join(ROOT, 'docs', 'results.md')).read()
    rows = 0
    for table in re.findall(r'(?:^\|.*\|\n)+', text, re.M):
        header, _, *body = table.splitlines()
        names = [c.strip() for c in header.strip('|').split('|')]
        if 'commit' not in names:
            continue
        for line in body:
            cells = dict(
                zip(names, (c.strip() for c in line.strip('|').split('|'))))
            assert cells['command'] and cells['hardware'], line
            assert re.search(r'\b[0-9a-f]{7,40}\b', cells['commit']), line
            assert cells['idle'] in ('yes', 'no', 'not recorded'), line
            rows += 1
    assert rows
    assert '(docs/results.md)' in open(osp.join(ROOT, 'README.md')).read()
    assert '(results.md)' in open(osp.join(ROOT, 'docs', 'README.md')).read()
