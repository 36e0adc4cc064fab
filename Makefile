# pixmim-plugin: `make install`, `make demo`, `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_CONFIG := configs/demo/pixmim_vit-tiny-p8_shapes.py
DEMO_WORK_DIR := work_dirs/demo_pixmim
MFM_CONFIG := configs/demo/mfm_vit-tiny-p16_shapes.py
MFM_WORK_DIR := work_dirs/demo_mfm
PYTEST_ARGS ?=

.PHONY: install demo-data demo demo-mfm demo-ade test lint

install:
	VENV=$(VENV) bash tools/install.sh

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

# UperNet on the demo ADE-layout set from the `make demo` checkpoint
demo-ade: demo-data
	test -f $(DEMO_WORK_DIR)/last_checkpoint || $(MAKE) demo
	$(PY) tools/convert_checkpoint.py $$(cat $(DEMO_WORK_DIR)/last_checkpoint) \
		$(DEMO_WORK_DIR)/vit-tiny_mmseg.pth --to mmseg --trust
	$(VENV)/bin/mim train mmseg configs/demo/upernet_vit-tiny-p8_ade-shapes.py \
		--work-dir work_dirs/demo_ade --cfg-options \
		model.backbone.init_cfg.checkpoint=$(DEMO_WORK_DIR)/vit-tiny_mmseg.pth

test: install
	$(PY) -m pytest tests $(PYTEST_ARGS)

lint: install
	$(PY) -m flake8 pixmim_plugin tools tests configs
