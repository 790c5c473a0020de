"""Reading the workspace's and releases' TOML files with errors that name file and line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from publisher.core.fsutil import read_utf8
from publisher.errors import PublisherError


def read_toml(path: Path, error: type[PublisherError]) -> dict[str, Any]:
    text = read_utf8(path, error)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"\s*\(at line (\d+), column \d+\)", message)
        line = int(m.group(1)) if m else None
        if m:
            message = message[: m.start()] + message[m.end() :]
        raise error(f"invalid TOML: {message}", path=path, line=line) from None
