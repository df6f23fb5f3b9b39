"""API keys: `GUIDEQA_API_KEYS` (comma-separated), sent as ``Authorization: Bearer KEY``.

Without keys the service refuses to bind anything but loopback (see `api.serve`), and nothing
asks for a key. With keys, every write endpoint needs one, and so does asking when
`GUIDEQA_REQUIRE_KEY_FOR_ASK=true`.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import HTTPException, Request

from rag.settings import APISettings

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="guideqa"'}


def key_is_valid(candidate: str, keys: list[str]) -> bool:
    """Constant-time comparison against every configured key."""
    ok = False
    for key in keys:  # no early exit: the time taken does not depend on which key matched
        ok |= hmac.compare_digest(candidate.encode(), key.encode())
    return ok


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def require_key(request: Request, settings: APISettings, what: str) -> None:
    """Raise 401 unless keys are off or the request carries a valid one."""
    if not settings.api_keys:
        return
    token = bearer_token(request)
    if token is None:
        raise HTTPException(
            401,
            f"{what} needs an API key: send 'Authorization: Bearer <key>' with one of the keys "
            f"in GUIDEQA_API_KEYS (on the web page, enter it in the API key field).",
            headers=_CHALLENGE,
        )
    if not key_is_valid(token, settings.api_keys):
        raise HTTPException(
            401,
            "The API key is not valid: use one of the keys configured in GUIDEQA_API_KEYS.",
            headers={"WWW-Authenticate": 'Bearer realm="guideqa", error="invalid_token"'},
        )


def key_id(request: Request, settings: APISettings) -> str:
    """Who asked, for the audit trail: 'key:' + the first 12 hex digits of the sha256 of a valid
    key sent with the request (never the key itself), else 'anonymous'."""
    token = bearer_token(request)
    if token is None or not settings.api_keys or not key_is_valid(token, settings.api_keys):
        return "anonymous"
    return "key:" + hashlib.sha256(token.encode()).hexdigest()[:12]
