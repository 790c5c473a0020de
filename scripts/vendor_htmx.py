#!/usr/bin/env python3
"""Vendor htmx into the package: fetch the pinned version from npm, copy the minified file.

The web review app serves htmx itself (no CDN: the office machine may be offline, and a
CDN would see every page the reviewers open). The file is committed with its version and
SHA-256 in publisher/web/static/htmx.json; tests/web/test_web_security.py checks that the
committed file still has that digest. To move to another version, change HTMX_VERSION
here and run `make vendor-htmx`, then read the htmx changelog and run the browser tests.

Usage: python scripts/vendor_htmx.py [--check]
  --check  fetch the pinned version again and compare it with the committed file
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HTMX_VERSION = "2.0.11"
PACKAGE = "htmx.org"
DIST_FILE = "dist/htmx.min.js"

REPO = Path(__file__).resolve().parents[1]
STATIC = REPO / "publisher" / "web" / "static"
TARGET = STATIC / "htmx.min.js"
RECORD = STATIC / "htmx.json"


def fetch(folder: Path) -> Path:
    """The pinned htmx from the npm registry, installed without running any script."""
    subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(folder),
            "--no-save",
            "--no-package-lock",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--loglevel=error",
            f"{PACKAGE}@{HTMX_VERSION}",
        ],
        check=True,
    )
    installed = folder / "node_modules" / PACKAGE
    version = json.loads((installed / "package.json").read_text(encoding="utf-8"))["version"]
    if version != HTMX_VERSION:
        sys.exit(f"npm gave {PACKAGE} {version}, not the pinned {HTMX_VERSION}")
    return installed / DIST_FILE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fetched = fetch(Path(tmp))
        digest = hashlib.sha256(fetched.read_bytes()).hexdigest()
        if args.check:
            committed = hashlib.sha256(TARGET.read_bytes()).hexdigest()
            if committed != digest:
                sys.exit(f"{TARGET} differs from {PACKAGE}@{HTMX_VERSION} on npm")
            print(f"{TARGET.relative_to(REPO)} is {PACKAGE}@{HTMX_VERSION} ({digest})")
            return
        shutil.copyfile(fetched, TARGET)
    record = {"package": PACKAGE, "version": HTMX_VERSION, "file": DIST_FILE, "sha256": digest}
    RECORD.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"vendored {PACKAGE}@{HTMX_VERSION} into {TARGET.relative_to(REPO)} ({digest})")


if __name__ == "__main__":
    main()
