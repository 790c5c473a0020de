"""Embargoes (issue 11): set and refused as a user types them, kept off every file of the
site until their time, printed on every page, carried by the bundle; lifting one early is
a decision taken by name, with a reason, in the history."""

from __future__ import annotations

import base64
import html
import json
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.support.pdf import pdf_pages, pdf_text, squash
from tests.support.photos import add_approved_photo, picture
from tests.support.releases import (
    LANGS,
    REVIEWER,
    add_translated_release,
    history,
)
from tests.support.workspace import (
    SAMPLE_LABEL,
    SAMPLE_SLUG,
    SAMPLE_TXT,
    Cli,
    copy_repo_workspace,
    tree_bytes,
)

BASE_URL = "https://press.example.org/gov/"
#: The embargoed release: titles found nowhere else in the workspace.
TITLES = {
    "en": "Mekong Water & Energy Accord to Be Signed in Vientiane",
    "km": "កិច្ចព្រមព្រៀងស្តីពីទឹក និងថាមពលទន្លេមេគង្គ នឹងចុះហត្ថលេខានៅវៀងចន្ទ",
    "zh-Hans": "湄公河水资源与能源协定将在万象签署",
}
#: Its photo's caption, as unique as its titles (the leak check looks for it too).
PHOTO_CAPTIONS = {
    "en": "The Vientiane riverfront before the signing",
    "km": "មាត់ទន្លេនៅវៀងចន្ទ មុនពិធីចុះហត្ថលេខា",
    "zh-Hans": "签署仪式前的万象河岸",
}
EMBARGO = "2024-12-02 08:00"  # typed without a zone: the workspace's, Asia/Phnom_Penh
EMBARGO_ISO = "2024-12-02T08:00:00+07:00"
BEFORE = "2024-12-02 07:00"  # an hour before it lifts
AFTER = "2024-12-02 09:00"
NUMBER = "MFAIC/2024/002"  # the sample is MFAIC/2024/001
#: The embargo line as each language's official texts write it.
LINES = {
    "en": "EMBARGOED UNTIL 08:00, 2 December 2024 (Phnom Penh, UTC+07:00)",
    "km": "ហាមផ្សព្វផ្សាយមុនម៉ោង ០៨:០០ ថ្ងៃទី២ ខែធ្នូ ឆ្នាំ២០២៤ (ម៉ោងនៅភ្នំពេញ UTC+07:00)",
    "zh-Hans": "禁发至2024年12月2日8时（金边时间，UTC+07:00）",
}
IMMEDIATE = {"en": "For immediate release", "km": "សម្រាប់ផ្សព្វផ្សាយភ្លាមៗ", "zh-Hans": "即时发布"}
NUMBER_LINES = {"en": f"No. {NUMBER}", "km": f"លេខ៖ {NUMBER}", "zh-Hans": f"编号：{NUMBER}"}
HELD_BACK = (
    f"1 release held back by embargo; the next lifts at {EMBARGO_ISO}: build the site again then"
)


@dataclass
class Embargoed:
    root: Path
    slug: str
    before: Path  # the site built an hour before the embargo lifts
    before_stdout: str
    after: Path  # the site built an hour after
    after_stdout: str
    dist: Path  # `publisher build` of the release
    bundle: Path


@pytest.fixture(scope="module")
def embargoed(tmp_path_factory: pytest.TempPathFactory) -> Embargoed:
    tmp = tmp_path_factory.mktemp("embargo")
    root = copy_repo_workspace(tmp / "ws")
    cli = Cli(root)
    slug = add_translated_release(cli, TITLES, date="2024-12-01", embargo=EMBARGO, tmp=tmp)
    photo = tmp / "vientiane.jpg"
    photo.write_bytes(picture(1400, 900))
    add_approved_photo(cli, root, slug, photo, captions=PHOTO_CAPTIONS, credit="Photo: KPL")
    site = ["site", "--base-url", BASE_URL, "--jobs", "2"]
    after = cli(*site, "--out", str(root / "site-after"), "--now", AFTER)
    before = cli(*site, "--out", str(root / "site-before"), "--now", BEFORE)
    cli("build", slug, "--out", str(root / "dist"), "--jobs", "2")
    bundle = tmp / "bundle.zip"
    cli("bundle", slug, "--out", str(bundle))
    return Embargoed(
        root,
        slug,
        root / "site-before",
        before.stdout,
        root / "site-after",
        after.stdout,
        root / "dist" / slug,
        bundle,
    )


# ----------------------------------------------------------------- nothing leaks


def _forms(text: str) -> set[bytes]:
    """`text` as any file of a site could hold it: raw, escaped for HTML or XML, in JSON,
    in a URL, as character references, as a PDF text string (UTF-16)."""
    forms = {
        text,
        html.escape(text),
        html.escape(text, quote=False),
        json.dumps(text)[1:-1],
        quote(text),
        quote(text, safe=""),
        "".join(f"&#x{ord(c):x};" for c in text),
        "".join(f"&#x{ord(c):X};" for c in text),
        "".join(f"&#{ord(c)};" for c in text),
    }
    return {f.encode("utf-8") for f in forms} | {text.encode("utf-16-be")}


def _contents(path: Path) -> list[bytes]:
    """A file's bytes and whatever it holds inside: zip members, a PDF's text and info, a
    page's text as a reader sees it (Khmer words wrapped in spans with `<wbr>` between, as
    listings print titles, hide a title from a search of the bytes alone)."""
    data = path.read_bytes()
    found = [data]
    if path.suffix == ".html" and data.strip():
        text = lxml_html.fromstring(data).text_content()
        found += [text.encode(), squash(text).encode()]
    if data.startswith(b"PK"):
        with zipfile.ZipFile(path) as archive:
            found += [archive.read(name) for name in archive.namelist()]
            found += [name.encode() for name in archive.namelist()]
    if data.startswith(b"%PDF"):
        text = pdf_text(path)
        found += [text.encode(), squash(text).encode()]
    return found


def leaks(site: Path, needles: dict[str, str], blobs: dict[str, bytes]) -> list[str]:
    """Every place in `site` where a needle (in any form) or a blob (raw or base64) appears."""
    found = []
    forms = {name: _forms(text) | {squash(text).encode()} for name, text in needles.items()}
    encoded = {name: {blob, base64.b64encode(blob)} for name, blob in blobs.items()}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        for name, text in needles.items():
            if text in rel:
                found.append(f"{rel}: its name holds the {name}")
        if not path.is_file():
            continue
        for content in _contents(path):
            for name, variants in forms.items():
                if any(v in content for v in variants):
                    found.append(f"{rel}: holds the {name}")
            for name, variants in encoded.items():
                if any(v in content for v in variants):
                    found.append(f"{rel}: holds {name}")
    return sorted(set(found))


def _needles(slug: str) -> dict[str, str]:
    needles = {f"{lang} title": title for lang, title in TITLES.items()}
    needles |= {
        "slug": slug,
        "number": NUMBER,
        "release date": "2024-12-01",
        "embargo time": "2024-12-02T08:00",
        "English word Mekong": "Mekong",
        "Khmer word Mekong": "មេគង្គ",
        "Chinese word Mekong": "湄公河",
    }
    needles |= {f"{lang} photo caption": caption for lang, caption in PHOTO_CAPTIONS.items()}
    return needles


def _published_files(embargoed: Embargoed) -> dict[str, bytes]:
    """The release's PDFs, thumbnails and photo files as the site publishes them after the
    lift."""
    folder = embargoed.after / "releases" / embargoed.slug
    files = {
        f"its {p.name}": p.read_bytes() for p in folder.iterdir() if p.suffix in (".pdf", ".png")
    }
    assert sorted(files) == sorted(f"its {lang}.{ext}" for lang in LANGS for ext in ("pdf", "png"))
    photos = sorted((folder / "photos").iterdir())
    assert [p.name for p in photos] == [
        "vientiane-1400w.jpg",
        "vientiane-480w.jpg",
        "vientiane-960w.jpg",
        "vientiane.jpg",
    ]
    return files | {f"its photos/{p.name}": p.read_bytes() for p in photos}


@pytest.mark.slow
def test_before_the_lift_no_file_of_the_site_holds_anything_of_it(embargoed: Embargoed) -> None:
    files = sorted(p.relative_to(embargoed.before).as_posix() for p in embargoed.before.rglob("*"))
    # The site was built (the sample is on it), with its feeds and sitemap.
    for expected in ("sitemap.xml", "index.html", f"releases/{SAMPLE_SLUG}/km.png"):
        assert expected in files
    for lang in LANGS:
        assert f"{lang}/feed.xml" in files and f"{lang}/index.html" in files
    assert leaks(embargoed.before, _needles(embargoed.slug), _published_files(embargoed)) == []
    # The leak check finds what it looks for: the site after the lift holds all of it.
    found = leaks(embargoed.after, _needles(embargoed.slug), _published_files(embargoed))
    for needle in ["slug", "number", *(f"{lang} title" for lang in LANGS)]:
        assert any(line.endswith(f"holds the {needle}") for line in found), needle
    for lang in LANGS:
        assert f"releases/{embargoed.slug}/{lang}.png: holds its {lang}.png" in found
        assert f"{lang}/index.html: holds the {lang} title" in found
        assert f"{lang}/feed.xml: holds the slug" in found


@pytest.mark.slow
def test_before_the_lift_the_command_says_when_to_build_again(embargoed: Embargoed) -> None:
    lines = embargoed.before_stdout.splitlines()
    assert lines[0].startswith("The site has 1 release. Wrote ")
    assert lines[-1] == HELD_BACK
    assert "held back" not in embargoed.after_stdout
    assert embargoed.after_stdout.startswith("The site has 2 releases. Wrote ")


@pytest.mark.slow
def test_after_the_lift_it_is_on_every_page_feed_and_the_sitemap(embargoed: Embargoed) -> None:
    site, slug = embargoed.after, embargoed.slug
    folder = site / "releases" / slug
    assert (folder / "index.html").is_file()
    for lang in LANGS:
        page = lxml_html.fromstring((folder / f"{lang}.html").read_bytes())
        assert page.xpath("string(//h1)").strip() == TITLES[lang]
        assert (folder / f"{lang}.pdf").read_bytes().startswith(b"%PDF")
        home = lxml_html.fromstring((site / lang / "index.html").read_bytes())
        links = {a.get("href"): a.text_content().strip() for a in home.xpath("//h2/a")}
        assert links[f"../releases/{slug}/{lang}.html"] == TITLES[lang]
        feed = feedparser.parse((site / lang / "feed.xml").read_bytes())
        entries = {e.link: (e.title, e.published) for e in feed.entries}
        # Published when it became available (RFC 4287): at the embargo, not on its date.
        assert entries[f"{BASE_URL}releases/{slug}/{lang}.html"] == (
            TITLES[lang],
            "2024-12-02T01:00:00Z",
        )
        assert entries[f"{BASE_URL}releases/{SAMPLE_SLUG}/{lang}.html"][1] == "2024-11-30T00:00:00Z"
        assert feed.feed.updated == "2024-12-02T01:00:00Z"

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    sitemap = etree.parse(str(site / "sitemap.xml"))
    for lang in LANGS:
        url = sitemap.xpath(
            f"//s:url[s:loc='{BASE_URL}releases/{slug}/{lang}.html']", namespaces=ns
        )
        assert len(url) == 1, lang
        alternates = {
            link.get("hreflang"): link.get("href") for link in url[0].xpath("x:link", namespaces=ns)
        }
        assert alternates == {
            **{other: f"{BASE_URL}releases/{slug}/{other}.html" for other in LANGS},
            "x-default": f"{BASE_URL}releases/{slug}/index.html",
        }


@pytest.mark.slow
def test_the_embargo_lifts_at_its_minute_whatever_the_zone_of_the_clock(
    embargoed: Embargoed,
) -> None:
    cli = Cli(embargoed.root)
    for now, shown in (
        ("2024-12-02 07:59:59", False),
        ("2024-12-02T00:59:59Z", False),  # the same instant in UTC
        ("2024-12-02T01:00:00Z", True),  # 08:00 in Phnom Penh
        ("2024-12-02 08:00", True),
    ):
        out = embargoed.root / f"site-{len(now)}-{shown}"
        result = cli("site", "--out", str(out), "--now", now, "--jobs", "2")
        assert (out / "releases" / embargoed.slug).is_dir() == shown, now
        assert (HELD_BACK in result.stdout) != shown, now


@pytest.mark.slow
def test_a_site_folder_that_showed_it_loses_every_file_of_it_when_held_again(
    embargoed: Embargoed,
) -> None:
    """The embargo was set after the site had shown the release: the next build removes it."""
    cli = Cli(embargoed.root)
    out = embargoed.root / "site-again"
    site = ["site", "--base-url", BASE_URL, "--out", str(out), "--jobs", "2"]
    cli(*site, "--now", AFTER)
    assert (out / "releases" / embargoed.slug / "km.pdf").is_file()
    result = cli(*site, "--now", BEFORE)
    assert "removed 14 files no longer published" in result.stdout
    assert result.stdout.splitlines()[-1] == HELD_BACK
    assert leaks(out, _needles(embargoed.slug), _published_files(embargoed)) == []


@pytest.mark.slow
def test_forcing_it_onto_the_site_early_needs_a_reason_which_the_history_keeps(
    embargoed: Embargoed, tmp_path: Path
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(embargoed.root, root, ignore=shutil.ignore_patterns("site-*", "dist"))
    cli = Cli(root)
    slug = embargoed.slug
    out = root / "site"
    site = ["site", "--out", str(out), "--now", BEFORE, "--jobs", "2"]
    before = tree_bytes(root)
    for args, error in (
        (["--force", slug], "error: publishing an embargoed release early needs --reason TEXT"),
        (["--force", slug, "--reason", "  "], None),
        (["--reason", "the minister asked"], "error: --reason goes with --force RELEASE"),
        (
            ["--force", SAMPLE_SLUG, "--reason", "why not"],
            f"error: {SAMPLE_SLUG} is not under embargo; --force is not needed",
        ),
        # one good and one wrong: refused as a whole, nothing recorded for the good one
        (["--force", slug, "--force", SAMPLE_SLUG, "--reason", "early"], None),
        (["--force", "no-such-release", "--reason", "early"], None),
    ):
        result = cli(*site, *args, env={"PUBLISHER_REVIEWER": ""}, ok=False)
        assert result.exit_code == 2, args
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, result.stderr)
        if error is not None:
            assert lines[0] == error
        assert tree_bytes(root) == before, args
        assert not out.exists()

    reason = "The counterpart announced the accord at 06:00"
    result = cli(*site, "--force", slug, "--reason", reason, "--by", REVIEWER)
    assert result.stdout.startswith("The site has 2 releases. ")
    assert "held back" not in result.stdout
    for lang in LANGS:
        assert (out / "releases" / slug / f"{lang}.pdf").is_file()
    events = history(root, slug)
    last = events[-1]
    assert {k: last[k] for k in ("action", "by", "comment", "detail")} == {
        "action": "publish-early",
        "by": REVIEWER,
        "comment": reason,
        "detail": f"published on the site before the embargo of {EMBARGO_ISO}",
    }
    assert sum(e["action"] == "publish-early" for e in events) == 1


# ----------------------------------------------------------------- on every page


@pytest.mark.slow
def test_the_embargo_line_is_on_every_page_of_each_pdf(embargoed: Embargoed) -> None:
    for lang in LANGS:
        pdf = embargoed.dist / f"{lang}.pdf"
        pages = pdf_pages(pdf)
        assert pages >= 2, f"{lang}: {pages} page(s); the test needs a release of two or more"
        for page in range(1, pages + 1):
            text = pdf_text(pdf, page)
            assert squash(LINES[lang]) in squash(text), f"{lang} page {page}:\n{text[:400]}"
            if lang == "km":  # Khmer digits, never ASCII ones, in the Khmer line
                first = next(line for line in text.splitlines() if line.strip())
                assert squash(first) == squash(LINES["km"])
        # The site publishes the same PDF bytes as the build.
        site_pdf = embargoed.after / "releases" / embargoed.slug / f"{lang}.pdf"
        assert site_pdf.read_bytes() == pdf.read_bytes()


def _release_line(page: Path) -> lxml_html.HtmlElement:
    tree = lxml_html.fromstring(page.read_bytes())
    lines = tree.xpath("//p[contains(concat(' ', @class, ' '), ' release-line ')]")
    assert len(lines) == 1
    return lines[0]


@pytest.mark.slow
def test_the_embargo_line_is_in_each_web_page_in_its_language(embargoed: Embargoed) -> None:
    for page in (embargoed.dist, embargoed.after / "releases" / embargoed.slug):
        for lang in LANGS:
            line = _release_line(page / f"{lang}.html")
            assert line.text_content() == LINES[lang]
            assert line.get("class") == "release-line embargo"
            assert line.xpath("time/@datetime") == [EMBARGO_ISO]


@pytest.mark.slow
def test_a_release_without_embargo_is_for_immediate_release(embargoed: Embargoed) -> None:
    folder = embargoed.after / "releases" / SAMPLE_SLUG
    for lang in LANGS:
        assert _release_line(folder / f"{lang}.html").text_content() == IMMEDIATE[lang]
        pdf = folder / f"{lang}.pdf"
        assert squash(IMMEDIATE[lang]) in squash(pdf_text(pdf, 1))
        whole = pdf_text(pdf)
        assert "EMBARGOED" not in whole and "ហាមផ្សព្វផ្សាយ" not in whole and "禁发" not in whole


@pytest.mark.slow
def test_the_release_number_is_on_the_pdf_the_web_page_the_site_and_the_bundle(
    embargoed: Embargoed,
) -> None:
    for lang in LANGS:
        assert squash(NUMBER_LINES[lang]) in squash(pdf_text(embargoed.dist / f"{lang}.pdf", 1))
        for folder in (embargoed.dist, embargoed.after / "releases" / embargoed.slug):
            tree = lxml_html.fromstring((folder / f"{lang}.html").read_bytes())
            numbers = [
                " ".join(n.text_content().split()) for n in tree.xpath("//*[@class='number']")
            ]
            assert numbers == [f"· {NUMBER_LINES[lang]}"], (folder, lang)
    with zipfile.ZipFile(embargoed.bundle) as archive:
        manifest = json.loads(archive.read(f"{embargoed.slug}/manifest.json"))
    assert manifest["number"] == NUMBER
    status = json.loads(Cli(embargoed.root)("status", embargoed.slug, "--json").stdout)
    assert [(r["slug"], r["number"], r["embargo"]) for r in status["releases"]] == [
        (embargoed.slug, NUMBER, EMBARGO_ISO)
    ]


@pytest.mark.slow
def test_the_bundle_carries_the_embargo_in_its_manifest_and_each_wire_copy(
    embargoed: Embargoed,
) -> None:
    with zipfile.ZipFile(embargoed.bundle) as archive:
        manifest = json.loads(archive.read(f"{embargoed.slug}/manifest.json"))
        copies = {
            lang: archive.read(f"{embargoed.slug}/{lang}.txt").decode("utf-8") for lang in LANGS
        }
    assert (manifest["number"], manifest["embargo"]) == (NUMBER, EMBARGO_ISO)
    for lang in LANGS:
        assert manifest["languages"][lang]["release_line"] == LINES[lang]
        lines = copies[lang].splitlines()
        assert lines[0] == LINES[lang]
        assert [line for line in lines[1:4] if line] == [NUMBER_LINES[lang]]


# ----------------------------------------------------------------- setting and refusing


def _embargo_line(root: Path) -> list[str]:
    toml = (root / "releases" / SAMPLE_SLUG / "release.toml").read_text("utf-8")
    return [line for line in toml.splitlines() if line.startswith("embargo")]


REFUSED = [
    (
        "2024-12-02",
        "error: '2024-12-02' has no time: an embargo needs the time as well, e.g. "
        '"2024-12-02 08:00" (in Asia/Phnom_Penh) or "2024-12-02T08:00+07:00"',
    ),
    (
        "2024-02-30 08:00",
        "error: '2024-02-30 08:00' is not a real date and time (day is out of range for month)",
    ),
    (
        "2024-12-02 24:00",
        "error: '2024-12-02 24:00' is not a real date and time (hour must be in 0..23)",
    ),
    (
        "next Monday 8am",
        "error: 'next Monday 8am' is not a date and time like 2024-12-02 08:00 or "
        "2024-12-02T08:00+07:00",
    ),
]


@pytest.mark.parametrize("command", ["new", "embargo"])
@pytest.mark.parametrize(("moment", "error"), REFUSED, ids=[m for m, _ in REFUSED])
def test_a_date_alone_or_an_impossible_time_is_refused_and_changes_nothing(
    repo_workspace: Path, command: str, moment: str, error: str
) -> None:
    cli = Cli(repo_workspace)
    before = tree_bytes(repo_workspace)
    if command == "new":
        args = ["new", str(SAMPLE_TXT), "--title", "Another Visit", "--embargo", moment]
    else:
        args = ["embargo", SAMPLE_SLUG, moment, "--by", REVIEWER]
    result = cli(*args, ok=False)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", error + "\n")
    assert tree_bytes(repo_workspace) == before


def test_an_embargo_without_time_or_zone_in_release_toml_is_refused(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    toml = repo_workspace / "releases" / SAMPLE_SLUG / "release.toml"
    original = toml.read_text("utf-8")
    for value, message in (
        ("2024-12-02", "embargo needs a time and a time zone, not only a date"),
        ("2024-12-02T08:00:00", "embargo needs a time zone offset"),
        ('"soon"', "embargo must be a date and time with its offset"),
    ):
        toml.write_text(f"embargo = {value}\n" + original, "utf-8")  # before any [table]
        result = cli("status", SAMPLE_SLUG, ok=False)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"error: {toml}"), result.stderr
        assert message in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_time_without_zone_takes_the_workspace_zone(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    created = cli(
        "new",
        str(SAMPLE_TXT),
        "--title",
        "Another Visit",
        "--date",
        "2024-12-01",
        "--embargo",
        "2024-12-02  08:00",
    )
    assert "embargoed until 2024-12-02T08:00:00+07:00" in created.stdout.splitlines()
    slug = "2024-12-01-another-visit"
    toml = (repo_workspace / "releases" / slug / "release.toml").read_text("utf-8")
    assert "embargo = 2024-12-02 08:00:00+07:00" in toml.splitlines()

    # An offset typed is kept as typed.
    result = cli(
        "embargo",
        SAMPLE_SLUG,
        "2024-12-02T08:00+09:00",
        "--by",
        REVIEWER,
        "--now",
        "2024-12-02 05:59",
    )
    assert result.stdout == (
        f"{SAMPLE_LABEL}: embargoed until 2024-12-02T08:00:00+09:00 (in force)\n"
    )
    assert _embargo_line(repo_workspace) == ["embargo = 2024-12-02 08:00:00+09:00"]


def _set_zone(root: Path, zone: str) -> None:
    config = root / "publisher.toml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("[workspace]\n", f'[workspace]\ntime_zone = "{zone}"\n', 1))


def test_another_workspace_zone_fills_the_offset_and_names_the_city(
    repo_workspace: Path,
) -> None:
    _set_zone(repo_workspace, "Europe/Paris")
    cli = Cli(repo_workspace)
    result = cli("embargo", SAMPLE_SLUG, "2024-07-01 08:00", "--by", REVIEWER, "--now", BEFORE)
    assert (
        result.stdout
        == f"{SAMPLE_LABEL}: embargoed until 2024-07-01T08:00:00+02:00 (already passed)\n"
    )
    cli("embargo", SAMPLE_SLUG, "2024-12-02 08:00", "--by", REVIEWER, "--now", BEFORE)
    assert _embargo_line(repo_workspace) == ["embargo = 2024-12-02 08:00:00+01:00"]
    out = repo_workspace / "dist"
    cli("build", SAMPLE_SLUG, "--format", "html", "--out", str(out))
    expected = {
        "en": "EMBARGOED UNTIL 08:00, 2 December 2024 (Paris, UTC+01:00)",
        "km": "ហាមផ្សព្វផ្សាយមុនម៉ោង ០៨:០០ ថ្ងៃទី២ ខែធ្នូ ឆ្នាំ២០២៤ (ម៉ោងនៅប៉ារីស UTC+01:00)",
        "zh-Hans": "禁发至2024年12月2日8时（巴黎时间，UTC+01:00）",
    }
    for lang in LANGS:
        line = _release_line(out / SAMPLE_SLUG / f"{lang}.html")
        assert line.text_content() == expected[lang]
        assert line.xpath("time/@datetime") == ["2024-12-02T08:00:00+01:00"]

    # Set in another zone, it is shown at the office's clock, the instant unchanged.
    cli(
        "embargo",
        SAMPLE_SLUG,
        "2024-12-02T08:00+07:00",
        "--by",
        REVIEWER,
        "--now",
        BEFORE,
        "--force",
        "--reason",
        "moved to the Phnom Penh time",
    )
    cli("build", SAMPLE_SLUG, "--format", "html", "--lang", "en", "--out", str(out))
    line = _release_line(out / SAMPLE_SLUG / "en.html")
    assert line.text_content() == "EMBARGOED UNTIL 02:00, 2 December 2024 (Paris, UTC+01:00)"
    assert line.xpath("time/@datetime") == [EMBARGO_ISO]


def test_lifting_before_the_time_needs_force_and_a_reason_recorded_in_history(
    repo_workspace: Path,
) -> None:
    cli = Cli(repo_workspace)
    cli("embargo", SAMPLE_SLUG, EMBARGO, "--by", REVIEWER, "--now", BEFORE)
    set_event = history(repo_workspace)[-1]
    assert (set_event["action"], set_event["detail"]) == ("embargo", f"set to {EMBARGO_ISO}")
    refusal = (
        f"error: {SAMPLE_SLUG} is embargoed until {EMBARGO_ISO}; lifting it (or moving it "
        "earlier) before that time needs --force and --reason TEXT, which are recorded"
    )
    before = tree_bytes(repo_workspace)
    lift = ["embargo", SAMPLE_SLUG, "--by", REVIEWER, "--now", BEFORE]
    for args, error in (
        (["--lift"], refusal),
        (["--lift", "--force"], refusal),
        (["--lift", "--force", "--reason", " "], refusal),
        (["2024-12-02 07:30"], refusal),  # moved earlier
        (
            ["--lift", "--reason", "asked"],
            "error: --reason goes with --force (lifting an embargo before its time)",
        ),
        (
            ["2024-12-02 09:00", "--lift"],
            "error: give the embargo time, or --lift to remove the embargo (not both)",
        ),
    ):
        result = cli(*lift, *args, ok=False)
        assert (result.exit_code, result.stderr) == (2, error + "\n"), args
        assert tree_bytes(repo_workspace) == before, args
    # Refused before anyone is named: without --by, no "recorded as ..." line precedes it.
    result = cli(
        "embargo", SAMPLE_SLUG, "--lift", "--now", BEFORE, env={"PUBLISHER_REVIEWER": ""}, ok=False
    )
    assert (result.exit_code, result.stderr) == (2, refusal + "\n")
    assert tree_bytes(repo_workspace) == before
    # Moving it later is no early publication: no reason needed.
    cli(*lift, "2024-12-02 10:00")
    assert history(repo_workspace)[-1]["detail"] == (
        f"moved from {EMBARGO_ISO} to 2024-12-02T10:00:00+07:00"
    )
    reason = "The joint statement was released in Beijing ahead of time"
    result = cli(*lift, "--lift", "--force", "--reason", reason)
    assert result.stdout == f"{SAMPLE_LABEL}: no embargo (lifted)\n"
    assert _embargo_line(repo_workspace) == []
    event = history(repo_workspace)[-1]
    assert {k: event.get(k) for k in ("action", "by", "comment", "detail")} == {
        "action": "embargo",
        "by": REVIEWER,
        "comment": reason,
        "detail": "lifted (was 2024-12-02T10:00:00+07:00)",
    }


def test_lifting_after_the_time_needs_no_force(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    cli("embargo", SAMPLE_SLUG, EMBARGO, "--by", REVIEWER, "--now", BEFORE)
    result = cli("embargo", SAMPLE_SLUG, "--lift", "--by", REVIEWER, "--now", AFTER)
    assert result.stdout == f"{SAMPLE_LABEL}: no embargo (lifted)\n"
    event = history(repo_workspace)[-1]
    assert (event["action"], event["detail"], event.get("comment")) == (
        "embargo",
        f"lifted (was {EMBARGO_ISO})",
        None,
    )
    assert _embargo_line(repo_workspace) == []
