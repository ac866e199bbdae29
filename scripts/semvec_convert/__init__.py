"""semvec_convert: turn Hugging Face folders and word-vector files into semvec model files.

See docs/model-format.md. Needs numpy only; torch is used for pytorch_model.bin when present.
"""

VERSION = "1.0"


class ConvertError(Exception):
    """A clear, user-facing reason why a conversion cannot be done."""
