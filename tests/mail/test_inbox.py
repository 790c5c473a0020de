"""The journalist's inbox (issue 23): every message read from the bytes the local SMTP
server received, as three mail parsers and a format=flowed reader read it; an embargoed
send is deliberate; test copies say what they are."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import mailparser
import polib
import pytest

from publisher.core.approvals import load_catalog
from publisher.core.release import find_release
from publisher.mail.flowed import unflowed
from publisher.publishing.builders.wire import display_width
from tests.support.mail import PRESS, parse, rfc2047, set_smtp, smtp_section
from tests.support.releases import REVIEWER
from tests.support.smtp_server import PASSWORD, SmtpServer
from tests.support.web import CHROMIUM, CHROMIUM_ARGS
from tests.support.workspace import SAMPLE_SLUG, Cli

pytestmark = [pytest.mark.xdist_group("mail")]

LINKED_SOURCE = """\
# Joint statement on the 2026 consultations

The full text of the statement is on the Ministry's website at \
[www.mfaic.gov.kh](https://www.mfaic.gov.kh/news/joint-statement-2026).

The two sides agreed on three points:

1. Trade between the two countries.
2. Scholarships, described in [the programme](https://www.mfaic.gov.kh/programme-2026).
3. Tourism.

| Sector | Projects |
|---|---|
| Trade | 12 |
| Education | 7 |
"""

#: Each segment's translation, its links kept (what a translator does with a link).
TRANSLATIONS = {
    "km": {
        "Joint statement on the 2026 consultations": "សេចក្តីថ្លែងការណ៍រួមស្តីពីកិច្ចពិគ្រោះយោបល់ឆ្នាំ2026",
        "The full text of the statement is on the Ministry's website at "
        "[www.mfaic.gov.kh](https://www.mfaic.gov.kh/news/joint-statement-2026).": "អត្ថបទពេញនៃ"
        "សេចក្តីថ្លែងការណ៍មាននៅលើគេហទំព័ររបស់ក្រសួង "
        "[www.mfaic.gov.kh](https://www.mfaic.gov.kh/news/joint-statement-2026)។",
        "The two sides agreed on three points:": "ភាគីទាំងពីរបានឯកភាពលើចំណុចបី៖",
        "Trade between the two countries.": "ពាណិជ្ជកម្មរវាងប្រទេសទាំងពីរ។",
        "Scholarships, described in [the programme](https://www.mfaic.gov.kh/programme-2026).": (
            "អាហារូបករណ៍ ដែលមានរៀបរាប់ក្នុង[កម្មវិធី](https://www.mfaic.gov.kh/programme-2026)។"
        ),
        "Tourism.": "ទេសចរណ៍។",
        "Sector": "វិស័យ",
        "Projects": "គម្រោង",
        "Trade": "ពាណិជ្ជកម្ម",
        "Education": "ការអប់រំ",
    },
    "zh-Hans": {
        "Joint statement on the 2026 consultations": "关于2026年磋商的联合声明",
        "The full text of the statement is on the Ministry's website at "
        "[www.mfaic.gov.kh](https://www.mfaic.gov.kh/news/joint-statement-2026).": "声明全文见"
        "外交部网站[www.mfaic.gov.kh](https://www.mfaic.gov.kh/news/joint-statement-2026)。",
        "The two sides agreed on three points:": "双方就三点达成一致：",
        "Trade between the two countries.": "两国之间的贸易。",
        "Scholarships, described in [the programme](https://www.mfaic.gov.kh/programme-2026).": (
            "奖学金，详见[该计划](https://www.mfaic.gov.kh/programme-2026)。"
        ),
        "Tourism.": "旅游。",
        "Sector": "领域",
        "Projects": "项目",
        "Trade": "贸易",
        "Education": "教育",
    },
}
LINKS = [
    "https://www.mfaic.gov.kh/news/joint-statement-2026",
    "https://www.mfaic.gov.kh/programme-2026",
]
FUTURE = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3, hours=5)).astimezone(
    dt.timezone(dt.timedelta(hours=7))
)


def linked_release(cli: Cli, tmp: Path, *, embargo: dt.datetime | None = None) -> str:
    """A release with two links, a numbered list and a table, approved in Khmer and Chinese
    through the commands an office runs; its slug."""
    source = tmp / "statement.md"
    source.write_text(LINKED_SOURCE, encoding="utf-8")
    args = ["new", str(source), "--date", "2026-11-30", "--place", "Phnom Penh"]
    if embargo is not None:
        args += ["--embargo", embargo.isoformat(timespec="minutes")]
    created = cli(*args).stdout
    found = re.search(r"^created releases/(\S+) ", created, re.M)
    assert found, created
    slug = found.group(1)
    for lang, texts in TRANSLATIONS.items():
        po = tmp / f"{slug}.{lang}.po"
        cli("export", slug, "--lang", lang, "--format", "po", "--out", str(po))
        catalog = polib.pofile(str(po))
        for entry in catalog:
            entry.msgstr = texts.get(entry.msgid, entry.msgid)  # numbers stay
        catalog.save()
        cli("import", str(po), "--by", REVIEWER)
        cli("approve", slug, "--lang", lang, "--all", "--by", REVIEWER)
    return slug


def text_of(data: bytes) -> str:
    """The text part as written (CRLF made LF), and its Content-Type."""
    part = parse(data).get_body(("plain",))
    assert part is not None
    assert part.get_content_type() == "text/plain"
    assert part.get_param("format") == "flowed" and part.get_param("delsp") == "yes"
    content = part.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")


# --------------------------------------------------------------------------- text part


def test_text_part_keeps_every_link_target_and_reads_as_flowed_text(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    slug = linked_release(mail_cli, tmp_path, embargo=FUTURE)
    mail_cli("send", slug, "--list", "press", "--yes")
    received = smtp_server.recorder.received()
    assert len(received) == len(PRESS)
    for item in received:
        langs = PRESS[item.recipients[0]][1]
        # Every line of the message on the wire fits 78 octets (headers: one <URI> aside).
        head, _, body = item.data.partition(b"\r\n\r\n")
        assert all(len(line) <= 78 for line in body.split(b"\r\n"))
        for header in head.split(b"\r\n"):
            assert len(header) <= 78 or re.fullmatch(rb"[\w-]+: <[^<>\s]+>,?", header), header
        raw = text_of(item.data)
        for line in raw.split("\n"):
            # 72 columns, the soft-break space and one space of stuffing aside; a URL
            # alone on its line may be longer.
            assert display_width(line.rstrip(" ")) <= 73 or " " not in line.strip(), line
        shown = unflowed(raw)
        sections = shown.split("\n" + "-" * 72 + "\n")
        assert len(sections) == len(langs)
        for section in sections:
            # The embargo line once per language, first; both link targets as references.
            assert (
                section.count("EMBARGOED UNTIL")
                + section.count("ហាមផ្សព្វផ្សាយ")
                + (section.count("禁发至"))
                == 1
            ), section
            assert (
                section.lstrip("\n")
                .split("\n")[0]
                .startswith(("EMBARGOED UNTIL", "ហាមផ្សព្វផ្សាយ", "禁发至"))
            )
            for number, url in enumerate(LINKS, 1):
                assert f"\n[{number}] {url}\n" in section
            assert "www.mfaic.gov.kh [1]" in section
        english = sections[langs.index("en")] if "en" in langs else None
        if english is not None:
            assert "2. Scholarships, described in the programme [2]." in english
            assert "1. Trade between the two countries." in english
            # The table as aligned columns under its heading row.
            assert "Sector     Projects\n---------  --------\nTrade      12" in english
        if "zh-Hans" in langs:
            zh = sections[langs.index("zh-Hans")]
            assert "领域  项目\n----  ----\n贸易  12" in zh  # CJK counted two columns


def test_khmer_lines_break_between_words_and_reflow_without_a_space(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer
) -> None:
    mail_cli("send", SAMPLE_SLUG, "--list", "press", "--tag", "radio")
    (item,) = smtp_server.recorder.received()
    raw = text_of(item.data)
    soft = [line for line in raw.split("\n") if line.endswith(" ") and line != "-- "]
    assert soft, "the Khmer paragraphs flow"
    # A break between two Khmer words has no space in the text: one space (deleted by a
    # delsp=yes reader); a break at a space keeps it (two spaces).
    assert any(not line.endswith("  ") and "\u1780" <= line[-2] <= "\u17ff" for line in soft)
    shown = unflowed(raw)
    # Each reflowed paragraph is the approved text itself (no space put inside a word).
    release = find_release(mail_ws / "releases", SAMPLE_SLUG)
    catalog = load_catalog(release, "km")
    paragraphs = [e.target for key, e in catalog.entries.items() if key in ("s1", "s2", "s3")]
    assert len(paragraphs) == 3
    for paragraph in paragraphs:
        assert paragraph in shown
    # The photo: caption, credit and the name of its attachment, no bare path.
    assert "[photos/" not in shown
    assert "ឯកសារភ្ជាប់៖ phnom-penh-beijing.jpg" in shown
    # The footer wraps like the rest.
    footer = raw.split("\n-- \n", 1)[1]
    assert all(display_width(line) <= 73 for line in footer.split("\n"))


# --------------------------------------------------------------------------- headers


def _three_readings(data: bytes, name: str) -> tuple[object, object, object]:
    """(policy.default, compat32 + decode_header, mail-parser) readings of one header:
    (display name, address) for an address header, the unfolded text otherwise."""
    modern = parse(data)
    legacy = email.message_from_bytes(data, policy=email.policy.compat32)
    third = mailparser.parse_from_bytes(data)
    raw = re.sub(r"\r\n(?=[ \t])", "", str(legacy[name]))
    if name in ("From", "To", "Reply-To"):
        address = modern[name].addresses[0]
        legacy_name, legacy_address = email.utils.parseaddr(raw)
        ((third_name, third_address),) = third.headers[name]
        return (
            (address.display_name, address.addr_spec),
            (rfc2047(legacy_name), legacy_address),
            (third_name, third_address),
        )
    third_value = third.headers[name]
    assert isinstance(third_value, str)
    return str(modern[name]), rfc2047(raw), re.sub(r"\r\n(?=[ \t])", "", third_value)


def test_every_header_decodes_to_the_configured_text_in_three_parsers(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer, smtp_certificate: tuple[Path, Path]
) -> None:
    names = {
        "sok.dara@example.org": "លោកស្រី ជា ម៉ាលីស អ្នកយកព័ត៌មានវិទ្យុជាតិ",
        "li.wei@example.com": "王芳（新华社金边分社）",
        "wang.fang@example.com": "Wang Fang 王芳 (Example Evening Post)",
        "tep.vannak@example.org": 'Tep "Vannak", Example TV',
        "jane.doe@example.com": "Jane Doe",
    }
    lines = ["email,name,outlet,languages,tags"]
    for address, (name, langs) in PRESS.items():
        shown = names.get(address, name)
        lines.append(f'{address},"{shown.replace(chr(34), chr(34) * 2)}",,{" ".join(langs)},')
    (mail_ws / "lists" / "press.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    section = smtp_section(smtp_server, smtp_certificate[0])
    del section["reply_to"]  # Reply-To: the spokesperson, named in the reader's language
    set_smtp(mail_ws, section)
    mail_cli("send", SAMPLE_SLUG, "--list", "press")
    organisation = {
        "en": "Ministry of Foreign Affairs and International Cooperation",
        "km": "ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ",
        "zh-Hans": "柬埔寨外交与国际合作部",
    }
    spokesperson = {"en": "Mr Sok Dara", "km": "លោក សុខ ដារា", "zh-Hans": "索达拉先生"}
    received = smtp_server.recorder.received()
    assert len(received) == len(PRESS)
    for item in received:
        address = item.recipients[0]
        lang = PRESS[address][1][0]
        expected: dict[str, object] = {
            "From": (organisation[lang], "press-office@example.org"),
            "To": (names.get(address, PRESS[address][0]), address),
            "Reply-To": (spokesperson[lang], "spokesperson@mfaic.gov.kh"),
            "List-Unsubscribe": (
                "<https://press.example.org/unsubscribe?list=press&email="
                f"{address.replace('@', '%40')}>, "
                "<mailto:unsubscribe@example.org?subject=unsubscribe%20press>"
            ),
            "List-Id": "<press.example.org>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": ", ".join(PRESS[address][1]),
            "MIME-Version": "1.0",
        }
        modern = parse(item.data)
        head = item.data.split(b"\r\n\r\n", 1)[0].decode("ascii")
        assert not re.search(r"<[^<>]*\r\n", head), "folded inside <...>"
        for name in dict(modern.items()):
            default, legacy, third = _three_readings(item.data, name)
            if name == "Subject":
                assert default == legacy == third
                assert str(default).endswith(" ".join(str(default).split()))
                continue
            want = expected.get(name, legacy)
            assert legacy == want, name
            # mail-parser drops the space after a comma between two <URI>s.
            assert third == want or (
                name == "List-Unsubscribe" and third == str(want).replace(">, <", ">,<")
            ), name
            if default != want:
                # CPython issue 128110: policy.default reads the whitespace between two
                # encoded-words of a display name as a space. Names that fit one
                # encoded-word are never split; a longer one is cut at spaces and word
                # breaks, so this reader shows at most a space between two words.
                assert isinstance(default, tuple) and isinstance(want, tuple), name
                assert default[1] == want[1]
                assert default[0].replace(" ", "") == want[0].replace(" ", ""), name
                unfolded = re.sub(r"\r\n(?=[ \t])", "", head).split("\r\n")
                (line,) = [x for x in unfolded if x.startswith(f"{name}: ")]
                assert line.count("=?utf-8?b?") > 1, line
        for name in ("Date", "Message-ID"):
            assert modern[name]
    # A name that fits one encoded-word is one, so all three read it exactly.
    li = next(i for i in received if i.recipients[0] == "li.wei@example.com")
    assert len({str(x) for x in _three_readings(li.data, "To")}) == 1


# --------------------------------------------------------------------------- embargo


def test_an_embargoed_send_needs_yes_off_a_terminal(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    slug = linked_release(mail_cli, tmp_path, embargo=FUTURE)
    log = mail_ws / "releases" / slug / "sends.jsonl"
    refused = mail_cli("send", slug, "--list", "press", ok=False)
    assert refused.exit_code == 2
    assert "is under embargo; sending it is deliberate" in refused.stderr
    assert "add --yes" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert smtp_server.recorder.received() == []
    assert not log.exists() or log.read_text() == ""
    # The dry run is headed by the same summary.
    dry = mail_cli("send", slug, "--list", "press", "--dry-run", "--out", str(tmp_path / "out"))
    summary = dry.stderr.split("writing ")[0]
    zone = f"{FUTURE:%A %d %B %Y, %H:%M} Asia/Phnom_Penh (UTC+07:00)"
    assert f"EMBARGOED until {zone}; it lifts in 3 day(s) " in summary
    assert "list: press\nrecipients: 7 (" in summary
    sent = mail_cli("send", slug, "--list", "press", "--yes")
    assert f"EMBARGOED until {zone}" in sent.stderr
    assert len(smtp_server.recorder.received()) == 7


def _on_terminal(root: Path, answer: bytes, *args: str) -> tuple[int, str]:
    """`publisher send` run on a pseudo-terminal, answering its question with `answer`."""
    main, child = pty.openpty()
    env = {**os.environ, "PUBLISHER_SMTP_PASSWORD": PASSWORD, "COLUMNS": "200"}
    process = subprocess.Popen(
        [sys.executable, "-m", "publisher", "--workspace", str(root), "send", *args],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        close_fds=True,
    )
    os.close(child)
    seen = b""
    answered = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if not answered and b"under embargo? [y/N]" in seen:
                os.write(main, answer + b"\n")
                answered = True
        elif process.poll() is not None:
            break
    code = process.wait(timeout=60)
    os.close(main)
    return code, seen.decode("utf-8", "replace")


def test_on_a_terminal_an_embargoed_send_asks_first(
    mail_cli: Cli, mail_ws: Path, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    slug = linked_release(mail_cli, tmp_path, embargo=FUTURE)
    code, output = _on_terminal(mail_ws, b"n", slug, "--list", "press", "--tag", "wire")
    assert "EMBARGOED until" in output and "recipients: 3 (" in output
    assert code == 1 and "stopped: not confirmed" in output
    assert smtp_server.recorder.received() == []
    code, output = _on_terminal(mail_ws, b"y", slug, "--list", "press", "--tag", "wire")
    assert code == 0, output
    assert len(smtp_server.recorder.received()) == 3


# --------------------------------------------------------------------------- test copies


def test_test_copies_name_their_languages_and_the_report_lists_them(
    mail_cli: Cli, smtp_server: SmtpServer
) -> None:
    result = mail_cli("send", SAMPLE_SLUG, "--list", "press", "--test-to", "officer@example.org")
    subjects = [str(parse(m.data)["Subject"]) for m in smtp_server.recorder.received()]
    assert len(subjects) == len(set(subjects)) == 6
    assert any(s.startswith("[TEST km+en] MFAIC/2024/001 – ") for s in subjects)
    for subject in subjects:
        assert f"test copy: {subject}\n  holds: text and HTML in " in result.stderr
    assert (
        "holds: text and HTML in km + en, សេចក្តីប្រកាសព័ត៌មាន MFAIC-2024-001.pdf, "
        "Press Release MFAIC-2024-001.pdf, phnom-penh-beijing.jpg\n"
    ) in result.stderr


# --------------------------------------------------------------------------- HTML part


def test_html_part_in_chromium_khmer_line_height_and_room_under_the_embargo(
    mail_cli: Cli, mail_ws: Path, tmp_path: Path
) -> None:
    """Each language's HTML part as Chromium lays it out at 390 and 1280 px (the PNGs are
    left in the test's folder to look at): Khmer headings at a line height of at least 1.6,
    and the title clear of the embargo box."""
    from playwright.sync_api import sync_playwright

    release_toml = mail_ws / "releases" / SAMPLE_SLUG / "release.toml"
    release_toml.write_text(
        release_toml.read_text(encoding="utf-8").replace(
            'number = "MFAIC/2024/001"',
            f'number = "MFAIC/2024/001"\nembargo = {FUTURE.isoformat(timespec="seconds")}',
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    mail_cli("send", SAMPLE_SLUG, "--list", "press", "--dry-run", "--out", str(out))
    by_lang: dict[str, str] = {}
    for path in sorted(out.glob("*.eml")):
        message = parse(path.read_bytes())
        html = message.get_body(("html",))
        assert html is not None
        by_lang.setdefault(str(message["Content-Language"]).split(",")[0], html.get_content())
    assert set(by_lang) == {"en", "km", "zh-Hans"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for lang, content in by_lang.items():
                for width in (390, 1280):
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    page.set_content(content)
                    page.screenshot(path=str(tmp_path / f"{lang}-{width}.png"))
                    title = page.locator("h1").first
                    box = page.locator(".embargo").first
                    style = title.evaluate(
                        "h => [parseFloat(getComputedStyle(h).lineHeight),"
                        " parseFloat(getComputedStyle(h).fontSize)]"
                    )
                    title_box, embargo_box = title.bounding_box(), box.bounding_box()
                    assert title_box and embargo_box, (lang, width)  # both shown
                    gap = title_box["y"] - (embargo_box["y"] + embargo_box["height"])
                    assert gap >= 16, (lang, width, gap)
                    if lang == "km":
                        assert style[0] / style[1] >= 1.6, (width, style)
                    page.close()
        finally:
            browser.close()
