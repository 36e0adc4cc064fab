#!/usr/bin/env bash
# One-command install of the pixmim-plugin stack into ./.venv (see README).
#
#   bash tools/install.sh          pre-training, MFM, classification transfer
#                                  and the tools, on mmcv-lite (pure Python,
#                                  a few minutes); keeps a full mmcv
#   bash tools/install.sh --full   adds mmcv's compiled ops (built once from
#                                  the sdist and cached), mmdet and mmseg
#
# Idempotent: every step first checks whether its result is already there.
# Environment knobs:
#   PYTHON=python3.11      interpreter used to create the venv
#   VENV=.venv             where the venv lives
#   USE_SYSTEM_TORCH=1     create the venv with --system-site-packages and keep
#                          the torch/torchvision already installed there
#   MMCV_CACHE=~/.cache/pixmim-plugin/mmcv   where built mmcv wheels are kept,
#                          one sub-folder per Python, torch, CUDA and ops kind
#   MAX_JOBS=N             parallel compile jobs for mmcv's C++/CUDA ops
#   MMCV_WITH_CUDA=1|0     force building mmcv's CUDA ops or not (default:
#                          only with a GPU and an nvcc matching torch's CUDA)
#   TORCH_INDEX_URL=URL    pip index for torch/torchvision, e.g.
#                          https://download.pytorch.org/whl/cu126
set -euo pipefail

FULL=0
case "${1:-}" in
  '') ;;
  --full) FULL=1 ;;
  *) echo "usage: $0 [--full]" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3.11}"
VENV="${VENV:-$ROOT/.venv}"
MMCV_CACHE="${MMCV_CACHE:-$HOME/.cache/pixmim-plugin/mmcv}"
TORCH_SPEC="torch==2.14.1 torchvision==0.29.1"
MMCV_VERSION=2.1.0
LITE_SPECS="mmengine==0.10.7 mmpretrain==1.2.0"
FULL_SPECS="mmdet==3.3.0 mmsegmentation==1.2.2 ftfy regex"
# openmim's own requirements minus opendatalab, whose openxlab dependency pins
# setuptools 60 (no pkg_resources fix, conflicts with torch), requests and
# rich; `mim train` never imports it.
MIM_DEPS="Click colorama model-index pandas requests rich tabulate"

say() { printf '\033[1m[install]\033[0m %s\n' "$*"; }

if [ ! -x "$VENV/bin/python" ]; then
  say "creating virtual environment $VENV with $PYTHON"
  if [ "${USE_SYSTEM_TORCH:-0}" = 1 ]; then
    "$PYTHON" -m venv --system-site-packages "$VENV"
  else
    "$PYTHON" -m venv "$VENV"
  fi
fi
PY="$VENV/bin/python"
PIP=("$PY" -m pip --disable-pip-version-check)
# mmdet 3.3 and mmseg 1.2 refuse mmcv >= 2.2; setuptools keeps pkg_resources
# (mmcv's setup.py and openmim import it) below 81.
CONSTRAINTS="$(mktemp)"
trap 'rm -f "$CONSTRAINTS"' EXIT
printf 'mmcv==%s\nmmcv-lite==%s\nsetuptools>=77,<81\n' \
  "$MMCV_VERSION" "$MMCV_VERSION" > "$CONSTRAINTS"

# The checks read installed metadata (importing torch takes seconds); the
# summary at the end imports everything.
has() {  # NAME[==VERSION]...: all installed, at that version where given
  "$PY" - "$@" <<'PY' 2>/dev/null
import importlib.metadata as m
import sys

for spec in sys.argv[1:]:
    name, _, wanted = spec.partition('==')
    assert wanted in ('', m.version(name).split('+')[0]), spec
PY
}

if ! "$PY" -c 'import pkg_resources, wheel' 2>/dev/null; then
  say "installing build tools (setuptools>=77,<81 for pkg_resources, wheel)"
  "${PIP[@]}" install -q -c "$CONSTRAINTS" setuptools wheel ninja
fi

if [ "${USE_SYSTEM_TORCH:-0}" = 1 ]; then
  say "using the torch already installed: $("$PY" -c 'import torch; print(torch.__version__)')"
elif ! has torch==2.14.1 torchvision==0.29.1; then
  say "installing $TORCH_SPEC${TORCH_INDEX_URL:+ from $TORCH_INDEX_URL}"
  TORCH_PIP=()
  if [ -n "${TORCH_INDEX_URL:-}" ]; then TORCH_PIP=(--index-url "$TORCH_INDEX_URL"); fi
  "${PIP[@]}" install -q "${TORCH_PIP[@]}" $TORCH_SPEC
fi

# --- mmcv -------------------------------------------------------------------
# Both mmcv-lite (pure Python) and mmcv (with compiled ops) install the same
# `mmcv` package; only mmdet and mmseg need the ops.
mmcv_any() { has "mmcv==$MMCV_VERSION" || has "mmcv-lite==$MMCV_VERSION"; }
# CUDA ops need a visible GPU and an nvcc whose major version matches torch's
# CUDA (torch refuses others); otherwise only the CPU ops are built, with a
# warning. MMCV_WITH_CUDA=1/0 forces the choice.
choose_ops() {
  if [ -n "${MMCV_WITH_CUDA:-}" ]; then
    if [ "$MMCV_WITH_CUDA" = 1 ]; then echo cudaops; else echo cpuops; fi
    return
  fi
  if ! "$PY" -c 'import torch, sys; sys.exit(not torch.cuda.is_available())'; then
    echo cpuops
    return
  fi
  local nvcc="${CUDA_HOME:+$CUDA_HOME/bin/}nvcc" torch_major nvcc_major
  torch_major="$("$PY" -c 'import torch; print((torch.version.cuda or "").split(".")[0])')"
  if ! command -v "$nvcc" >/dev/null 2>&1; then
    say "a GPU is visible but no nvcc was found (set CUDA_HOME): CPU ops only" >&2
    echo cpuops
    return
  fi
  nvcc_major="$("$nvcc" --version | sed -n 's/.*release \([0-9]*\)\..*/\1/p')"
  if [ "$nvcc_major" != "$torch_major" ]; then
    say "nvcc is CUDA $nvcc_major, torch was built with CUDA $torch_major: CPU ops only" >&2
    echo cpuops
    return
  fi
  echo cudaops
}
mmcv_ok() {  # $1: cpuops or cudaops
  "$PY" - "$1" <<'PY' 2>/dev/null
import sys

import mmcv
from mmcv.ops import RoIAlign, get_compiling_cuda_version, nms  # noqa: F401

assert mmcv.__version__ == '2.1.0'
if sys.argv[1] == 'cudaops':
    assert get_compiling_cuda_version() != 'not available'
PY
}

MMCV_LITE=()  # installed with the libraries below, in one pip resolution
if [ "$FULL" = 0 ]; then
  if ! mmcv_any; then
    say "mmcv: mmcv-lite $MMCV_VERSION, without compiled ops (\`make install-full\` adds them for mmdet/mmseg)"
    MMCV_LITE=("mmcv-lite==$MMCV_VERSION")
  fi
else
  OPS="$(choose_ops)"
  if ! mmcv_ok "$OPS"; then
    TAG="$("$PY" -c 'import sys, torch; v = torch.__version__.replace("+", "_"); print("cp%d%d-torch%s-cuda%s" % (sys.version_info[0], sys.version_info[1], v, torch.version.cuda))')-$OPS"
    WHEELS="$MMCV_CACHE/$TAG"
    mkdir -p "$WHEELS"
    if ! ls "$WHEELS"/mmcv-$MMCV_VERSION-*.whl >/dev/null 2>&1; then
      say "building mmcv $MMCV_VERSION's C++ ops ($OPS) for mmdet/mmseg: about 11 min on 2 cores, once; cached in $WHEELS"
      BUILD="$(mktemp -d)"
      trap 'rm -rf "$BUILD" "$CONSTRAINTS"' EXIT
      "${PIP[@]}" download -q --no-deps --no-binary :all: "mmcv==$MMCV_VERSION" -d "$BUILD"
      tar -xzf "$BUILD"/mmcv-$MMCV_VERSION.tar.gz -C "$BUILD"
      # torch >= 2.10 headers need C++20; mmcv 2.1.0 hard-codes -std=c++17.
      sed -i 's/-std=c++17/-std=c++20/g' "$BUILD/mmcv-$MMCV_VERSION/setup.py"
      if [ "$OPS" = cudaops ]; then
        say "building the CUDA ops too"
        export FORCE_CUDA=1
      else
        export FORCE_CUDA=0 CUDA_VISIBLE_DEVICES=""  # mmcv builds CUDA ops whenever it sees a GPU
      fi
      export MMCV_WITH_OPS=1 MAX_JOBS="${MAX_JOBS:-$(nproc)}"
      # --no-cache-dir: pip's own wheel cache is not keyed by torch version.
      "${PIP[@]}" wheel -q --no-deps --no-build-isolation --no-cache-dir \
        -w "$WHEELS" "$BUILD/mmcv-$MMCV_VERSION"
    fi
    if has mmcv-lite; then
      # it owns the same site-packages/mmcv: remove it first so that neither
      # uninstall can later delete the other's files
      say "replacing mmcv-lite with the full mmcv"
      "${PIP[@]}" uninstall -q -y mmcv-lite
    fi
    say "installing mmcv from $WHEELS"
    "${PIP[@]}" install -q --no-deps --no-index --no-cache-dir --force-reinstall \
      "$WHEELS"/mmcv-$MMCV_VERSION-*.whl
    # mmcv's runtime requirements (it was installed without its deps).
    "${PIP[@]}" install -q -c "$CONSTRAINTS" addict mmengine==0.10.7 numpy \
      packaging Pillow pyyaml yapf opencv-python
    if ! mmcv_ok "$OPS"; then
      say "mmcv's $OPS failed to import; removing the cached wheel"
      rm -f "$WHEELS"/mmcv-$MMCV_VERSION-*.whl
      exit 1
    fi
  fi
fi

# --- OpenMMLab libraries and this package -----------------------------------
if [ ${#MMCV_LITE[@]} -gt 0 ] || ! has pixmim-plugin mmengine==0.10.7 \
  mmpretrain==1.2.0 openmim pytest pytest-timeout flake8 isort yapf; then
  say "installing ${MMCV_LITE[*]:+${MMCV_LITE[*]}, }mmengine, mmpretrain, openmim and pixmim-plugin (editable, with its test and lint tools)"
  "${PIP[@]}" install -q -c "$CONSTRAINTS" "${MMCV_LITE[@]}" $LITE_SPECS \
    $MIM_DEPS --no-build-isolation -e "$ROOT[tests,lint]"
  "${PIP[@]}" install -q --no-deps openmim
fi
if [ "$FULL" = 1 ] && ! has mmdet==3.3.0 mmsegmentation==1.2.2 ftfy regex; then
  say "installing mmdet, mmsegmentation"
  "${PIP[@]}" install -q -c "$CONSTRAINTS" $FULL_SPECS
fi
"$PY" -W ignore - "$FULL" <<'PY'
import importlib.util
import sys

import mim  # noqa: F401
import mmcv
import mmpretrain
import torch

kind = 'with ops' if importlib.util.find_spec('mmcv._ext') else 'lite'
line = (f'torch {torch.__version__}, mmcv {mmcv.__version__} ({kind}), '
        f'mmpretrain {mmpretrain.__version__}')
try:
    import mmdet
    import mmseg
    line += f', mmdet {mmdet.__version__}, mmseg {mmseg.__version__}'
except ImportError:
    if sys.argv[1] == '1':
        raise
    line += '; `make install-full` adds mmcv ops, mmdet and mmseg'
print('\033[1m[install]\033[0m done:', line)
PY
