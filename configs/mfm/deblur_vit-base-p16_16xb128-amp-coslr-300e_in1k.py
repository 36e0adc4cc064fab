# Pretext-task study of MFM (paper Table 1): deblurring. Same trainer,
# encoder, head and frequency loss as MFM, over the whole spectrum.
_base_ = './mfm_vit-base-p16_16xb128-amp-coslr-300e_in1k.py'

model = dict(
    corruption=dict(
        _delete_=True,
        type='GaussianBlurCorruption',
        sigma=5,
        kernel_sizes=(7, 9, 11, 13, 15, 17, 19, 21)))
