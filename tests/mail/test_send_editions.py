"""An edition covers everything a reader receives (issue 20, item 15).

A journalist who had the release is told of a new edition (and `send` asks for `--resend`)
when what they would receive changed: an approved correction of the About paragraph in
their language, a media contact's new phone number, a photo's new credit, a retouched
photo file, a new photo. Before, only the
release's own texts, title, dateline, number, embargo, date and reference counted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from tests.support.photos import add_approved_photo, picture
from tests.support.smtp_server import SmtpServer
from tests.support.workspace import SAMPLE_SLUG, Cli

#: The Khmer About paragraph said "the Kingdom of Cambodia" where the source says "the
#: Kingdom": the reviewer's correction.
ABOUT_BEFORE = "តំណាងឱ្យព្រះរាជាណាចក្រកម្ពុជានៅបរទេស"
ABOUT_AFTER = "តំណាងឱ្យព្រះរាជាណាចក្រនៅបរទេស"
#: The sample's photo.
PHOTO = "phnom-penh-beijing.jpg"
#: The press list's readers (lists/press.csv), all and by a language they read.
EVERYONE = {
    "sok.dara@example.org",
    "chan.sophea@example.org",
    "li.wei@example.com",
    "wang.fang@example.com",
    "jane.doe@example.com",
    "tep.vannak@example.org",
    "newsdesk@example.com",
}
KHMER = {"sok.dara@example.org", "chan.sophea@example.org", "tep.vannak@example.org"}
ENGLISH = {"wang.fang@example.com", "jane.doe@example.com", "tep.vannak@example.org"}


def correct_about(cli: Cli, root: Path) -> None:
    """Exported, corrected in the PO file, imported and approved, as a reviewer does it."""
    po = root.parent / "boilerplate-km.po"
    cli("export", "boilerplate", "--lang", "km", "--format", "po", "--out", str(po))
    catalog = polib.pofile(str(po))
    entry = next(e for e in catalog if ABOUT_BEFORE in e.msgstr)
    entry.msgstr = entry.msgstr.replace(ABOUT_BEFORE, ABOUT_AFTER)
    catalog.save()
    cli("import", str(po), "--by", "Translator")
    segment = str(entry.msgctxt)
    cli("approve", "boilerplate", "--lang", "km", "--segment", segment, "--by", "Reviewer")


def new_phone(cli: Cli, root: Path) -> None:
    config = root / "publisher.toml"
    text = config.read_text(encoding="utf-8")
    assert text.count('phone = "+855 23 216 144"') == 1
    config.write_text(text.replace("+855 23 216 144", "+855 23 216 145"), encoding="utf-8")


def new_credit(cli: Cli, root: Path) -> None:
    cli("photo", "edit", SAMPLE_SLUG, PHOTO, "--credit", "Photo: Chea Malis/MFAIC")


def retouched_photo(cli: Cli, root: Path) -> None:
    """The picture desk's retouched copy put in place of the photo (same name, caption)."""
    (root / "releases" / SAMPLE_SLUG / "photos" / PHOTO).write_bytes(picture(900, 600))


def new_photo(cli: Cli, root: Path) -> None:
    photo = root.parent / "signing.jpg"
    photo.write_bytes(picture(900, 600))
    add_approved_photo(cli, root, SAMPLE_SLUG, photo)


@pytest.mark.parametrize(
    ("change", "readers"),
    [
        (correct_about, KHMER | {"newsdesk@example.com"}),
        (new_phone, EVERYONE),
        # Khmer and Chinese write the credit their own way (release.toml `credits`)
        (new_credit, ENGLISH | {"newsdesk@example.com"}),
        (retouched_photo, EVERYONE),
        (new_photo, EVERYONE),
    ],
    ids=["about", "contact", "photo-credit", "photo-file", "new-photo"],
)
def test_what_a_reader_receives_changed_is_a_new_edition(
    mail_cli: Cli,
    mail_ws: Path,
    smtp_server: SmtpServer,
    change: Callable[[Cli, Path], None],
    readers: set[str],
) -> None:
    first = mail_cli("send", SAMPLE_SLUG, "--list", "press")
    assert first.stdout == f"{SAMPLE_SLUG} to press: sent 7\n"
    change(mail_cli, mail_ws)
    status = mail_cli("status", SAMPLE_SLUG).stdout
    assert "not published" not in status, status  # every language still goes out
    again = mail_cli("send", SAMPLE_SLUG, "--list", "press", ok=False)
    assert again.exit_code == 2, again.stdout + again.stderr
    said = again.stderr.split("already had an earlier edition: ", 1)[1].split(". Add", 1)[0]
    assert set(said.split(", ")) == readers  # those whose languages changed, no one else
    assert "the release changed since it was sent" in again.stderr
    assert smtp_server.recorder.count() == 7
