"""JSON for the build's own bookkeeping files, through orjson.

The cache's index, the file-hash record, the output folder's state and the site index
are rewritten after every build that changed anything: at 2,000 releases they are 4 to
11 MB of JSON each, which the standard library's encoder took 30 to 60 ms apiece to
write on every edit (orjson: 2 to 6 ms). Same data model as `json` (str keys, lists,
numbers, None), compact, UTF-8; a file these functions cannot read raises ValueError, as
`json.loads` does, so callers that treat an unreadable record as missing stay as they are.
"""

from __future__ import annotations

from typing import Any

import orjson


def dumps(value: Any, *, sort_keys: bool = False) -> bytes:
    """Compact UTF-8 JSON (as `json.dumps(..., ensure_ascii=False, separators=(",", ":"))`);
    `sort_keys`: objects' keys in order, for a file that must not change when its content
    does not."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else None)


def loads(data: bytes | str) -> Any:
    """The value of a JSON document; ValueError (orjson.JSONDecodeError is one) if it is not."""
    return orjson.loads(data)
