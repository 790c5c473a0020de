"""The web tier's tests share the served sample and the browser (tests/support/web.py)."""

from tests.support.web import browser, cli, root, server

__all__ = ["browser", "cli", "root", "server"]
