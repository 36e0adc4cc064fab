# What every config of this project adds to the stock OpenMMLab config it
# inherits, listed as a second `_base_` (so it holds only keys the stock
# configs lack): the plugin's registrations, and the runner with the opt-in
# engine fixes for mmengine 0.10 on torch >= 2.6 (auto-resume, CPU (gloo)
# jobs under the pytorch launcher; see pixmim_plugin/engine/runner.py).
custom_imports = dict(imports=['pixmim_plugin'], allow_failed_imports=False)
# registered in mmpretrain's scope; the prefix finds it from mmdet and mmseg
runner_type = 'mmpretrain.CompatRunner'
