"""The demo's generated data and its robustness evaluation: library code
behind ``tools/make_demo_data.py`` and ``tools/demo_robustness.py``.

- :mod:`.shapes`: the shapes sets (classification in the ImageNet layout,
  COCO-format and ADE20K-layout scenes); numpy and PIL only;
- :mod:`.object_crops`: the object of each shapes image as a
  classification set of its own (what the demo transfer reads);
- :mod:`.corruptions`: ImageNet-C's 15 corruptions, small, for those
  images;
- :mod:`.robustness_sets`: the corrupted copy, the texture-labelled variant
  and the cue-conflict set;
- :mod:`.make_data`: every set under one root, each written once;
- :mod:`.robustness`: evaluating the demo classifiers on those sets and the
  table ``make demo-robustness`` prints.

Nothing here is registered, and :mod:`pixmim_plugin` does not import this
package: import the module you need (they differ in what they need
installed).
"""
