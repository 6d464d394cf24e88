"""A minimal client of the OpenAI-compatible HTTP API that `vllm serve` speaks, on the stdlib only
(no `openai` package): chat completions, the model list, and a readiness poll.

Every way a request can fail is one `ClientError` subclass, so that a caller counts it by its
`KIND` instead of unpicking urllib's exceptions.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, ClassVar

__all__ = [
    "BadResponse", "ClientError", "ConnectionFailed", "RequestRejected", "RequestTimeout",
    "ServerError", "ServerUnavailable", "chat_completion", "list_models", "wait_until_ready",
]

_ERROR_BODY_CHARS = 500
_MAX_BODY = 64 * 1024 * 1024  # a completion is kilobytes; a server sending more is broken


class ClientError(Exception):
    """A request that produced no usable answer; `KIND` is the counter it is reported under."""

    KIND: ClassVar[str] = "client-error"


class RequestTimeout(ClientError):
    KIND = "timeout"


class ConnectionFailed(ClientError):
    """Nothing listens there, the name does not resolve, or the connection broke."""

    KIND = "connection-error"


class ServerError(ClientError):
    """HTTP 5xx."""

    KIND = "server-error"


class RequestRejected(ClientError):
    """HTTP 4xx: a wrong model name or API key, a prompt longer than the model's context…"""

    KIND = "request-error"


class BadResponse(ClientError):
    """HTTP 200 whose body is not the JSON the protocol promises."""

    KIND = "bad-response"


class ServerUnavailable(Exception):
    """The server did not become ready in time; the message says what the last attempt met."""


def _request(url: str, *, api_key: str, timeout: float, payload: object | None = None) -> Any:
    """The decoded JSON body of GET (no payload) or POST `url`; a ClientError otherwise."""
    headers = {"Accept": "application/json"}
    data = None
    if payload is not None:
        data = json.dumps(payload).encode()
        headers["Content-Type"] = "application/json"
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    body = _read(urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET"), timeout)
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise BadResponse(f"{url} answered with a body that is not JSON: {body[:200]!r}") from None


def _read(request: urllib.request.Request, timeout: float) -> bytes:
    """The whole body of a 2xx answer. `timeout` bounds the connection and every read; vLLM sends
    a non-streamed completion in one piece, so in practice it bounds the whole request."""
    url = request.full_url
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body: bytes = response.read(_MAX_BODY + 1)
            if len(body) > _MAX_BODY:
                raise BadResponse(f"{url} answered with more than {_MAX_BODY} bytes")
            if getattr(response, "length", None):  # bytes promised that never came
                raise ConnectionFailed(f"{url}: the connection closed {response.length} bytes before the answer's end")
            return body
    except urllib.error.HTTPError as exc:
        raise _http_error(exc, url) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise RequestTimeout(f"no answer from {url} within {timeout:g} s") from None
        raise ConnectionFailed(f"{url}: {exc.reason}") from None
    except TimeoutError:
        raise RequestTimeout(f"no answer from {url} within {timeout:g} s") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:  # a reset connection, a bad status line
        raise ConnectionFailed(f"{url}: {type(exc).__name__}: {exc}") from None


def _http_error(error: urllib.error.HTTPError, url: str) -> ClientError:
    try:
        detail = error.read(_ERROR_BODY_CHARS).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        detail = ""
    kind = ServerError if error.code >= 500 else RequestRejected
    return kind(f"HTTP {error.code} from {url}: {detail}")


def _check_url(base_url: str) -> str:
    if not base_url.startswith(("http://", "https://")):
        raise ConnectionFailed(f"{base_url}: not an http(s) URL")
    return base_url.rstrip("/")


def list_models(base_url: str, *, api_key: str = "", timeout: float = 10.0) -> list[str]:
    """The ids of the models the server serves (GET {base}/models), in its order."""
    body = _request(f"{_check_url(base_url)}/models", api_key=api_key, timeout=timeout)
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise BadResponse(f"{base_url}/models: no `data` list in the answer")
    return [str(entry["id"]) for entry in data if isinstance(entry, dict) and "id" in entry]


def chat_completion(base_url: str, payload: dict[str, Any], *, api_key: str = "", timeout: float = 120.0) -> list[tuple[str, str]]:
    """POST {base}/chat/completions; the (content, finish_reason) of every choice, in order."""
    body = _request(f"{_check_url(base_url)}/chat/completions", api_key=api_key, timeout=timeout, payload=payload)
    choices = body.get("choices") if isinstance(body, dict) else None
    if not isinstance(choices, list):
        raise BadResponse(f"{base_url}/chat/completions: no `choices` list in the answer")
    answers = []
    for choice in choices:
        message = choice.get("message") if isinstance(choice, dict) else None
        content = message.get("content") if isinstance(message, dict) else None
        finish = choice.get("finish_reason") if isinstance(choice, dict) else None
        answers.append((content if isinstance(content, str) else "", finish if isinstance(finish, str) else ""))
    return answers


def wait_until_ready(
    base_url: str, timeout: float, *, api_key: str = "", interval: float = 0.5,
    given_up: Callable[[], bool] | None = None,
) -> list[str]:
    """Poll GET {base}/models until the server lists a model; its model ids.

    ServerUnavailable after `timeout` seconds, or as soon as `given_up()` is true (say, the
    server's process has exited), naming what the last attempt met."""
    deadline = time.monotonic() + timeout
    last = "no attempt made"
    while True:
        try:
            models = list_models(base_url, api_key=api_key, timeout=max(1.0, min(10.0, timeout)))
            if models:
                return models
            last = "the server lists no model"
        except ClientError as exc:
            last = str(exc)
        if given_up is not None and given_up():
            raise ServerUnavailable(f"{base_url}: gave up waiting ({last})")
        if time.monotonic() + interval > deadline:
            raise ServerUnavailable(f"{base_url}: not ready after {timeout:g} s ({last})")
        time.sleep(interval)

