"""What routes depend on: the job queue, and the API key's owner."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from shotgraph.config import Settings
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobRecord, Owner
from shotgraph.storage import Storage

_bearer = HTTPBearer(auto_error=False, description="An API key from API_KEYS.")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key.")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_queue(request: Request) -> JobQueue:
    return request.app.state.queue


def get_storage(request: Request) -> Storage:
    return request.app.state.storage


def api_key_names(settings: Settings) -> dict[str, str]:
    """API_KEYS as key -> name; a malformed entry is a configuration error, said at start."""
    names: dict[str, str] = {}
    for entry in settings.api_keys:
        name, sep, key = entry.get_secret_value().partition(":")
        if not sep or not name or not key:
            raise ValueError("each API_KEYS entry must look like name:key")
        Owner(platform="api", user_id=name)  # names become Redis keys: refuse odd ones now
        names[key] = name
    return names


def current_owner(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header_key: Annotated[str | None, Depends(_api_key)],
) -> Owner:
    """The owner whose key came with the request; 401 without a known key."""
    given = bearer.credentials if bearer else header_key
    known: dict[str, str] = request.app.state.api_keys
    if not known:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "This API has no keys configured; set API_KEYS."
        )
    # As bytes: compare_digest refuses str with characters outside ASCII, and a header may
    # carry any (a TypeError there was a 500 on every route, no valid key needed).
    sent = given.encode("utf-8", "surrogateescape") if given else b""
    name = next(
        (name for key, name in known.items() if sent and hmac.compare_digest(key.encode(), sent)),
        None,
    )
    if name is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Send a valid API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Owner(platform="api", user_id=name, display_name=name)


QueueDep = Annotated[JobQueue, Depends(get_queue)]
OwnerDep = Annotated[Owner, Depends(current_owner)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
StorageDep = Annotated[Storage, Depends(get_storage)]


async def owned_job(job_id: str, queue: QueueDep, owner: OwnerDep) -> JobRecord:
    """The job in the path, if the key owns it; 404 otherwise (before any response starts,
    which matters for the event stream)."""
    return await queue.job_for(job_id, owner)


OwnedJobDep = Annotated[JobRecord, Depends(owned_job)]
