"""Signed, expiring download links: what a bot posts when a film is too big to upload.

The token carries the job id and the time it was signed, with an HMAC over both
(itsdangerous), so the API serves the film to whoever holds the link, until it expires,
without a database lookup of the link itself.
"""

from __future__ import annotations

import time

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from shotgraph.config import Settings
from shotgraph.errors import BackendUnavailable, ShotGraphError

LINK_SALT = "shotgraph.download"


class LinkExpired(ShotGraphError):
    """The link was real, but its time is up."""


class LinkInvalid(ShotGraphError):
    """The link was not made by us, or was changed."""


class DownloadLinks:
    def __init__(self, settings: Settings) -> None:
        if settings.link_secret is None:
            raise BackendUnavailable(
                "Download links need LINK_SECRET to be set (any long random string)."
            )
        secret = settings.link_secret.get_secret_value()
        self._serializer = URLSafeTimedSerializer(secret, salt=LINK_SALT)
        self._ttl_s = settings.link_ttl_s
        self._base = settings.api_public_url.rstrip("/")

    @property
    def ttl_s(self) -> int:
        return self._ttl_s

    def url_for(self, job_id: str) -> str:
        return f"{self._base}/v/{self._serializer.dumps(job_id)}"

    def expires_in_s(self, token: str) -> int:
        """Seconds the (valid) link has left: a presigned URL made for it expires with it."""
        _, signed_at = self._serializer.loads(token, max_age=self._ttl_s, return_timestamp=True)
        return max(1, int(self._ttl_s - (time.time() - signed_at.timestamp())))

    def job_id_from(self, token: str) -> str:
        try:
            job_id = self._serializer.loads(token, max_age=self._ttl_s)
        except SignatureExpired as exc:
            raise LinkExpired("This download link has expired; ask the bot for a new one.") from exc
        except BadSignature as exc:
            raise LinkInvalid("This download link is not valid.") from exc
        if not isinstance(job_id, str):
            raise LinkInvalid("This download link is not valid.")
        return job_id
