"""A page read while another request commits a change waits for it, instead of reporting
an interrupted change (the editor's live preview fires while its segment is being saved).
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

from publisher.core.journal import JOURNAL, MANIFEST
from tests.support.web import Server
from tests.support.workspace import SAMPLE_SLUG


def test_a_read_during_a_commit_waits_and_a_real_interruption_is_still_reported(
    root: Path, server: Server
) -> None:
    client = server.client(reviewer="Sok Dara")
    journal = root / "releases" / SAMPLE_SLUG / JOURNAL
    journal.mkdir()
    (journal / MANIFEST).write_text("{}", encoding="utf-8")  # a writer is applying it

    def writer_finishes() -> None:
        time.sleep(0.3)
        shutil.rmtree(journal)

    finishing = threading.Thread(target=writer_finishes)
    finishing.start()
    page = client.get(f"/r/{SAMPLE_SLUG}/km?filter=all")
    finishing.join()
    assert page.status_code == 200 and 'id="seg-s1"' in page.text
    preview = client.post(f"/r/{SAMPLE_SLUG}/km/s/s1/render", {"text": "**x**"})
    assert preview.status_code == 200 and "<strong>x</strong>" in preview.text
    # a journal that stays is an interrupted change: said, after a short wait
    journal.mkdir()
    (journal / MANIFEST).write_text("{}", encoding="utf-8")
    refused = client.get(f"/r/{SAMPLE_SLUG}/km?filter=all")
    assert refused.status_code == 400
    assert "an interrupted change to release" in refused.text
