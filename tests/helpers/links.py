"""Signed links as the API makes them, but signed in the past: expired ones, for the tests
that check how an expired link is answered."""

from __future__ import annotations

import time

from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from shotgraph.api.links import LINK_SALT
from shotgraph.config import Settings


def token_signed_long_ago(settings: Settings, job_id: str) -> str:
    """A real token for the job, signed before its time-to-live began."""

    class PastSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - settings.link_ttl_s - 60

    assert settings.link_secret is not None
    serializer = URLSafeTimedSerializer(
        settings.link_secret.get_secret_value(), salt=LINK_SALT, signer=PastSigner
    )
    return serializer.dumps(job_id)
