"""Signed, expiring download links: what a bot posts when a film is too big to upload.

The token carries the job id and the time it was signed, with an HMAC over both
(itsdangerous), so the API serves the film to whoever holds the link, until it expires,
without a database lookup of the link itself.
"""

from __future__ import annotations

import datetime as dt

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from pydantic import BaseModel

from shotgraph.config import Settings
from shotgraph.errors import BackendUnavailable, ShotGraphError

LINK_SALT = "shotgraph.download"


class LinkExpired(ShotGraphError):
    """The link was real, but its time is up."""


class LinkInvalid(ShotGraphError):
    """The link was not made by us, or was changed."""


class SignedLink(BaseModel):
    """What a valid token says: whose film, and until when it may be watched."""

    job_id: str
    expires_at: dt.datetime


def link_secret(settings: Settings, what: str) -> str:
    """The secret that signs `what` (download links, gallery links), or why there is none."""
    if settings.link_secret is None:
        raise BackendUnavailable(f"{what} need LINK_SECRET to be set (any long random string).")
    return settings.link_secret.get_secret_value()


class DownloadLinks:
    def __init__(self, settings: Settings) -> None:
        secret = link_secret(settings, "Download links")
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
        left = self.read(token).expires_at - dt.datetime.now(dt.UTC)
        return max(1, int(left.total_seconds()))

    def job_id_from(self, token: str) -> str:
        return self.read(token).job_id

    def read(self, token: str) -> SignedLink:
        try:
            job_id, signed_at = self._serializer.loads(
                token, max_age=self._ttl_s, return_timestamp=True
            )
        except SignatureExpired as exc:
            raise LinkExpired("This download link has expired; ask the bot for a new one.") from exc
        except BadSignature as exc:
            raise LinkInvalid("This download link is not valid.") from exc
        if not isinstance(job_id, str):
            raise LinkInvalid("This download link is not valid.")
        return SignedLink(job_id=job_id, expires_at=signed_at + dt.timedelta(seconds=self._ttl_s))
