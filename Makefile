# pixmim-plugin: `make install`, `make demo`, `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_CONFIG := configs/demo/pixmim_vit-mini-p4_1xb64-1200it_shapes.py
DEMO_WORK_DIR := work_dirs/demo_pixmim
MFM_CONFIG := configs/demo/mfm_vit-tiny-p16_1xb32-600it_shapes.py
MFM_WORK_DIR := work_dirs/demo_mfm
PYTEST_ARGS ?=

.PHONY: install install-full demo-data demo demo-mfm demo-convert demo-ade \
	demo-transfer demo-robustness study test test-fast lint

# torch, mmcv-lite, mmengine, mmpretrain, openmim and this package: enough
# for pre-training, MFM, classification transfer and the tools
install:
	VENV=$(VENV) bash tools/install.sh

# adds mmcv's compiled ops (built once, cached), mmdet and mmsegmentation
install-full:
	VENV=$(VENV) bash tools/install.sh --full

demo-data: install
	$(PY) tools/make_demo_data.py

demo: demo-data
	$(VENV)/bin/mim train mmpretrain $(DEMO_CONFIG) \
		--work-dir $(DEMO_WORK_DIR) $(DEMO_ARGS)
	$(PY) tools/visualize_reconstruction.py $(DEMO_CONFIG) $(DEMO_WORK_DIR) \
		--out $(DEMO_WORK_DIR)/reconstruction.png --trust

demo-mfm: demo-data
	$(VENV)/bin/mim train mmpretrain $(MFM_CONFIG) \
		--work-dir $(MFM_WORK_DIR) $(DEMO_ARGS)
	$(PY) tools/visualize_reconstruction.py $(MFM_CONFIG) $(MFM_WORK_DIR) \
		--out $(MFM_WORK_DIR)/mfm.png --trust

# the `make demo` checkpoint as each downstream library loads it
demo-convert: demo-data
	test -f $(DEMO_WORK_DIR)/last_checkpoint || $(MAKE) demo
	for lib in mmpretrain mmdet mmseg; do \
		$(PY) tools/convert_checkpoint.py $$(cat $(DEMO_WORK_DIR)/last_checkpoint) \
			$(DEMO_WORK_DIR)/vit-mini_$$lib.pth --to $$lib --trust || exit 1; \
	done

# UperNet on the demo ADE-layout set
ADE_CONFIG := configs/demo/upernet_vit-mini-p4_1xb8-40it_ade-shapes-64x64.py
demo-ade: install-full demo-convert
	$(VENV)/bin/mim train mmseg $(ADE_CONFIG) --work-dir work_dirs/demo_ade \
		--cfg-options model.backbone.init_cfg.checkpoint=$(DEMO_WORK_DIR)/vit-mini_mmseg.pth

# each protocol twice with one recipe and seed: from the `make demo`
# checkpoint (work_dirs/demo_<protocol>) and from a random-init encoder
# (work_dirs/demo_<protocol>_random); then one table of both
LINEAR_CONFIG := configs/demo/vit-mini-p4_1xb32-linear-500it_shapes-objects.py
FT_CONFIG := configs/demo/vit-mini-p4_1xb32-900it_shapes-objects.py
DET_CONFIG := configs/demo/mask-rcnn_vit-mini-p4_sfp_1xb4-60it_coco-shapes.py
TRANSFER_RUNS := linear:mmpretrain:$(LINEAR_CONFIG) ft:mmpretrain:$(FT_CONFIG) \
	det:mmdet:$(DET_CONFIG) ade:mmseg:$(ADE_CONFIG)
TRANSFER_DIRS := $(foreach run,$(TRANSFER_RUNS),work_dirs/demo_$(firstword $(subst :, ,$(run))))
demo-transfer: install-full demo-convert
	for run in $(TRANSFER_RUNS); do \
		name=$${run%%:*}; rest=$${run#*:}; lib=$${rest%%:*}; config=$${rest#*:}; \
		$(VENV)/bin/mim train $$lib $$config --work-dir work_dirs/demo_$$name \
			--cfg-options model.backbone.init_cfg.checkpoint=$(DEMO_WORK_DIR)/vit-mini_$$lib.pth \
			|| exit 1; \
		$(VENV)/bin/mim train $$lib $$config --work-dir work_dirs/demo_$${name}_random \
			--cfg-options model.backbone.init_cfg=None || exit 1; \
	done
	$(PY) tools/print_metrics.py $(TRANSFER_DIRS) \
		--random-init $(addsuffix _random,$(TRANSFER_DIRS))

# mCE on the corrupted demo set and cue-conflict shape bias of the demo
# fine-tuned classifier (work_dirs/demo_ft of demo-transfer; fine-tuned here
# from the demo pre-training when absent) and of the same pre-training
# fine-tuned on texture labels
TEXTURE_CONFIG := configs/demo/vit-mini-p4_1xb32-900it_shapes-texture.py
demo-robustness: demo-data
	$(PY) tools/make_demo_data.py --robustness
	for run in demo_ft:$(FT_CONFIG) demo_ft_texture:$(TEXTURE_CONFIG); do \
		dir=work_dirs/$${run%%:*}; \
		test -f $$dir/last_checkpoint && continue; \
		$(MAKE) demo-convert && $(VENV)/bin/mim train mmpretrain $${run#*:} \
			--work-dir $$dir --cfg-options \
			model.backbone.init_cfg.checkpoint=$(DEMO_WORK_DIR)/vit-mini_mmpretrain.pth \
			|| exit 1; \
	done
	$(PY) tools/demo_robustness.py work_dirs/demo_ft \
		--texture work_dirs/demo_ft_texture --trust

# MAE, MAE+SRC, MAE+LF, PixMIM and MFM pre-trained alike on the demo set,
# compared by a linear probe and band PSNR: work_dirs/study/report.md
# (STUDY_ARGS: --seeds, --iters, --jobs, ...; see tools/analysis/study.py)
study: demo-data
	$(PY) tools/analysis/study.py $(STUDY_ARGS)

# the whole suite: needs mmcv's ops, mmdet and mmseg (what CI runs)
test: install-full
	$(PY) -m pytest tests $(PYTEST_ARGS)

# the unit tier on the fast install: no training runs (marker `training`);
# tests of mmdet / mmseg parts skip when they are not installed
test-fast: install
	$(PY) -m pytest tests -m "not training" $(PYTEST_ARGS)

LINT_PATHS := setup.py pixmim_plugin tools tests configs
# all three checkers report before it fails
lint:
	@$(PY) -c 'import flake8, isort, yapf' 2>/dev/null || $(MAKE) install
	@status=0; \
	$(PY) -m flake8 $(LINT_PATHS) || status=1; \
	$(PY) -m isort --check-only --diff $(LINT_PATHS) || status=1; \
	$(PY) -m yapf --diff -r $(LINT_PATHS) || status=1; \
	if [ $$status = 0 ]; then echo "lint: flake8, isort, yapf clean"; fi; \
	exit $$status
