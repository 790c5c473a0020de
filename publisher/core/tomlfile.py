"""Reading the workspace's and releases' TOML files with errors that name file and line."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from publisher.core.fsutil import read_utf8
from publisher.errors import PublisherError

#: Reads a TOML file into a dict (tomllib's types), raising the error type given.
TomlReader = Callable[[Path, type[PublisherError]], dict[str, Any]]


def read_toml(path: Path, error: type[PublisherError]) -> dict[str, Any]:
    return parse_toml(read_utf8(path, error), path, error)


def parse_toml(text: str, path: Path, error: type[PublisherError]) -> dict[str, Any]:
    """`text`, read from `path`, as TOML; `error` names the file and line when it is not."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"\s*\(at line (\d+), column \d+\)", message)
        line = int(m.group(1)) if m else None
        if m:
            message = message[: m.start()] + message[m.end() :]
        raise error(f"invalid TOML: {message}", path=path, line=line) from None


def to_json_value(value: Any) -> Any:
    """A parsed TOML value as JSON can hold it (dates and times tagged), for caches."""
    if isinstance(value, dict):
        return {k: to_json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json_value(v) for v in value]
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    return value


def from_json_value(value: Any) -> Any:
    """The inverse of `to_json_value`."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((tag, text),) = value.items()
            if tag == "$datetime":
                return dt.datetime.fromisoformat(text)
            if tag == "$date":
                return dt.date.fromisoformat(text)
            if tag == "$time":
                return dt.time.fromisoformat(text)
        return {k: from_json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_json_value(v) for v in value]
    return value
