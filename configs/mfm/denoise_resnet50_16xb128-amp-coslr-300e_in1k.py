# Pretext-task study of MFM (paper Table 1): denoising. Same trainer,
# encoder, head and frequency loss as MFM, over the whole spectrum.
_base_ = './mfm_resnet50_16xb128-amp-coslr-300e_in1k.py'

model = dict(
    corruption=dict(_delete_=True, type='GaussianNoiseCorruption', sigma=75))
