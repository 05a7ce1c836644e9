"""Word-level field tagging with LayoutLMv3: OCR lines -> words -> BIO tags with probabilities.

``LayoutTagger`` (torch + transformers) is imported on first use, so that light users of this
package -- word splitting, the registry's metadata -- do not pay for loading torch.
"""

from typing import Any

from ml_backend.reading.layout.decode import bio_viterbi
from ml_backend.reading.layout.encoding import MAX_TOKENS, encode_windows
from ml_backend.reading.layout.metadata import METADATA_FILE, read_metadata, write_metadata
from ml_backend.reading.layout.words import line_words, normalize_box, word_char_spans, words_from_lines

_TAGGER_NAMES = ("LabelSetMismatch", "LayoutTagger", "check_label_set", "collate_windows")


def __getattr__(name: str) -> Any:
    if name in _TAGGER_NAMES:
        from ml_backend.reading.layout import tagger

        return getattr(tagger, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "MAX_TOKENS",
    "METADATA_FILE",
    "bio_viterbi",
    "encode_windows",
    "line_words",
    "normalize_box",
    "read_metadata",
    "word_char_spans",
    "words_from_lines",
    "write_metadata",
    *_TAGGER_NAMES,
]
