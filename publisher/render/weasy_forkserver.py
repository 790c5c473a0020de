"""Imported by the PDF workers' forkserver before it forks a worker
(publishing/forkserver.py, `PRELOAD`): WeasyPrint, through `weasy.load`, so that every
worker forks with it imported and without the library search it would start."""

from __future__ import annotations

from publisher.render.weasy import load

load()
