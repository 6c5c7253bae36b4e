"""The errors of a render: one class per error kind of the spec (docs/spec.md, "Errors").

The kinds, HTTP statuses and messages are the ones the Rust host reports, so that a
web app built on this package answers like `plotbox serve` does.
"""

from __future__ import annotations

import json
from typing import Dict, Optional, Type


class RenderError(Exception):
    """A spec that could not be rendered.

    ``kind`` is the spec's stable error kind (``"invalid_spec"``, ``"too_large"``,
    ``"deadline_exceeded"``, ``"memory_limit"``, ``"internal"``), ``message`` says
    what went wrong, and ``path`` is the JSON Pointer of the faulty field of the spec
    where one is at fault (else ``None``).
    """

    #: The kind this class stands for; the base class takes it from the constructor.
    KIND: Optional[str] = None
    #: The HTTP status of the spec's error table.
    HTTP_STATUS: int = 500

    def __init__(self, message: str, path: Optional[str] = None, kind: Optional[str] = None):
        kind = kind or self.KIND
        if kind is None:
            raise TypeError("RenderError needs a kind")
        super().__init__(message)
        self.kind: str = kind
        self.message: str = message
        self.path: Optional[str] = path

    @property
    def http_status(self) -> int:
        """The HTTP status a web app should answer with (400, 413, 422 or 500)."""
        return _STATUS_OF_KIND.get(self.kind, 500)

    def to_dict(self) -> dict:
        """The spec's error document: ``{"error": {"kind", "message", "path"?}}``."""
        body = {"kind": self.kind, "message": self.message}
        if self.path is not None:
            body["path"] = self.path
        return {"error": body}

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    def __str__(self) -> str:
        return f"{self.message} (at {self.path})" if self.path else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, path={self.path!r})"


class InvalidSpec(RenderError):
    """The spec is not valid: not JSON, a wrong type, an unknown field, mismatched lengths."""

    KIND = "invalid_spec"


class TooLarge(RenderError):
    """The spec crosses one of the renderer's limits (points, canvas size, string length)."""

    KIND = "too_large"


class DeadlineExceeded(RenderError):
    """The render ran past its ``timeout`` (or used up its ``fuel``) and was stopped."""

    KIND = "deadline_exceeded"


class MemoryLimit(RenderError):
    """The render needed more memory than its ``memory_mb``."""

    KIND = "memory_limit"


class InternalError(RenderError):
    """A bug in the renderer or the sandbox; the message says what failed."""

    KIND = "internal"


_STATUS_OF_KIND: Dict[str, int] = {
    "invalid_spec": 400,
    "too_large": 413,
    "deadline_exceeded": 422,
    "memory_limit": 422,
    "overloaded": 503,
    "internal": 500,
}

_CLASS_OF_KIND: Dict[str, Type[RenderError]] = {
    cls.KIND: cls  # type: ignore[misc]
    for cls in (InvalidSpec, TooLarge, DeadlineExceeded, MemoryLimit, InternalError)
}


def error_of_kind(kind: str, message: str, path: Optional[str] = None) -> RenderError:
    """The exception class of ``kind``, or the base class for a kind without one."""
    cls = _CLASS_OF_KIND.get(kind)
    if cls is None:
        return RenderError(message, path, kind=kind)
    return cls(message, path)
