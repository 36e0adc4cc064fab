from .convmae_decoder import ConvMAEPretrainDecoder

__all__ = ['ConvMAEPretrainDecoder']
