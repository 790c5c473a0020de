"""Review decisions through the web app's forms, against the real server.

What a reviewer's browser sends (the htmx form posts), and what then stands in
the release: the PO catalog read back with the project's own reader and with
polib (as Poedit would), the history, and what the page says. The browser
itself is exercised in test_web_browser.py.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from publisher.core.catalog import approval_hash
from publisher.core.release import find_release
from publisher.core.states import State
from publisher.workflow import decisions as reviewing
from tests.support.releases import catalog, history, reviewed_by
from tests.support.web import Server, article, decide, flash, shown, shown_texts
from tests.support.workspace import REPO, SAMPLE_SLUG, Cli, reopen

TITLE_KM = "សម្តេចតេជោ ហ៊ុន សែន នឹងអញ្ជើញបំពេញទស្សនកិច្ចផ្លូវការ និងមិត្តភាព នៅប្រទេសចិន"
# The same title, "to China" (ទៅ) rather than "in China" (នៅ): as faithful, another text.
TITLE_KM_TO = TITLE_KM.replace("នៅប្រទេសចិន", "ទៅប្រទេសចិន")


def test_edit_then_approve_is_stored_bound_to_the_text(root: Path, server: Server) -> None:
    client = server.client(reviewer="Sok Dara")
    status, fragment = decide(client, "title", "edit", text=TITLE_KM_TO + "\r\n")
    assert status == 200 and flash(fragment) == "Segment title saved."
    entry = catalog(root).get("title")
    assert (entry.target, entry.state, entry.origin) == (TITLE_KM_TO, State.TRANSLATED, "human")
    status, fragment = decide(client, "title", "approve")
    assert status == 200 and flash(fragment) == "Segment title approved."
    entry = catalog(root).get("title")
    assert entry.state is State.APPROVED
    assert entry.review is not None and entry.review.by == "Sok Dara"
    assert entry.review.hash == approval_hash("title", entry.source, TITLE_KM_TO)
    last = history(root)[-2:]
    assert [(e["action"], e["by"], e.get("text")) for e in last] == [
        ("edit", "Sok Dara", None),
        ("approve", "Sok Dara", TITLE_KM_TO),
    ]
    # the counts in the page's summary are sent along (htmx swaps them out of band)
    assert 'id="summary" class="summary" data-hx-swap-oob="true"' in fragment


def test_four_eyes_refuses_the_last_editor_in_the_web_app(
    root: Path, server: Server, cli: Cli
) -> None:
    config = root / "publisher.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + "\n[review]\nfour_eyes = true\n", encoding="utf-8"
    )
    dara = server.client(reviewer="Sok Dara")
    assert decide(dara, "title", "edit", text=TITLE_KM_TO)[0] == 200
    page = dara.get(f"/r/{SAMPLE_SLUG}/km?filter=all").text
    assert "Four-eyes rule: nobody approves a translation they made." in page
    assert "You made this translation: another person must approve it (four-eyes rule)." in (
        article(page, "title")
    )
    status, fragment = decide(dara, "title", "approve")
    assert status == 422
    assert flash(fragment) == (
        "Segment title not saved: title cannot be approved by Sok Dara: Sok Dara made its "
        "current translation, and this workspace requires another person to approve it "
        "([review] four_eyes = true)"
    )
    assert catalog(root).get("title").state is State.TRANSLATED
    # approving everything listed skips it too, and says why
    response = dara.post(
        f"/r/{SAMPLE_SLUG}/km/all",
        {
            "action": "approve",
            "filter": "all",
            "shown": f"title {shown(dara, 'title')['hash']} translated",
        },
        htmx=True,
    )
    assert (
        "0 segments approved. Not decided: title cannot be approved by Sok Dara"
        in html.unescape(response.text)
    )
    # the CLI refuses the same person as well
    refused = cli(
        "approve", SAMPLE_SLUG, "--lang", "km", "--segment", "title", "--by", "Sok Dara", ok=False
    )
    assert refused.exit_code == 2 and "four_eyes = true" in refused.stderr
    li = server.client(reviewer="Li Wei")
    status, fragment = decide(li, "title", "approve")
    assert status == 200 and flash(fragment) == "Segment title approved."
    assert reviewed_by(catalog(root).get("title")) == "Li Wei"


def test_an_edit_over_the_segment_cap_is_refused_and_kept(root: Path, server: Server) -> None:
    client = server.client(reviewer="Sok Dara")
    before = catalog(root).get("s5").target
    huge = "ក" * 20_001
    status, fragment = decide(client, "s5", "edit", text=huge)
    assert status == 422
    assert flash(fragment) == (
        "Segment s5 not saved: the translation of s5 has 20,001 characters; a segment may have "
        "at most 20,000 (split the paragraph)"
    )
    assert f">{huge}</textarea>" in fragment
    assert catalog(root).get("s5").target == before


def test_a_change_made_meanwhile_is_shown_and_the_typed_text_kept(
    root: Path, server: Server
) -> None:
    client = server.client(reviewer="Sok Dara")
    seen = shown(client, "title")
    release = find_release(root / "releases", SAMPLE_SLUG)
    reviewing.decide(release, "km", "title", reviewing.Decision.EDIT, by="Li Wei", text=TITLE_KM_TO)
    typed = TITLE_KM + " (Sok Dara)"
    response = client.post(
        f"/r/{SAMPLE_SLUG}/km/s/title",
        {**seen, "action": "edit", "text": typed, "filter": "all"},
        htmx=True,
    )
    assert response.status_code == 409
    assert flash(response.text) == (
        "Segment title not saved: title was changed by someone else while you were reading it; "
        "look at it again before deciding"
    )
    block = article(response.text, "title")
    assert TITLE_KM_TO in shown_texts(block, "km")  # what stands now
    assert f">{typed}</textarea>" in block  # what the reviewer typed, not lost
    assert '<details class="editor" id="edit-title" open>' in block
    assert catalog(root).get("title").target == TITLE_KM_TO


def test_a_rejection_made_meanwhile_is_not_overwritten_by_an_approval(
    root: Path, server: Server, cli: Cli
) -> None:
    reopen(cli, "s3")
    release = find_release(root / "releases", SAMPLE_SLUG)
    target = catalog(root).get("s3").target
    reviewing.decide(release, "km", "s3", reviewing.Decision.EDIT, by="Translator", text=target)
    client = server.client(reviewer="Sok Dara")
    seen = shown(client, "s3")
    assert seen["state"] == "translated"
    reopen(cli, "s3", by="Li Wei", comment="the Chinese titles are in the wrong order")
    response = client.post(
        f"/r/{SAMPLE_SLUG}/km/s/s3", {**seen, "action": "approve", "filter": "all"}, htmx=True
    )
    assert response.status_code == 409
    message = flash(response.text)
    assert message.startswith("Segment s3 not saved: s3 is now draft (rejected by Li Wei on ")
    assert message.endswith(
        ": the Chinese titles are in the wrong order); it was translated when you read it: "
        "look at it again before deciding"
    )
    assert catalog(root).get("s3").state is State.DRAFT


def test_an_approval_made_meanwhile_by_someone_else_keeps_both(
    root: Path, server: Server, cli: Cli
) -> None:
    reopen(cli, "s4")
    client = server.client(reviewer="Sok Dara")
    seen = shown(client, "s4")
    cli("approve", SAMPLE_SLUG, "--lang", "km", "--segment", "s4", "--by", "Li Wei")
    response = client.post(
        f"/r/{SAMPLE_SLUG}/km/s/s4", {**seen, "action": "approve", "filter": "all"}, htmx=True
    )
    assert response.status_code == 200
    assert flash(response.text) == (
        "Segment s4: Li Wei approved it meanwhile; your approval is recorded in the history too."
    )
    approvals = [e for e in history(root) if e.get("segment") == "s4" and e["action"] == "approve"]
    assert [(e["by"], e["before"], e.get("detail")) for e in approvals[-2:]] == [
        ("Li Wei", "draft", None),
        ("Sok Dara", "approved", "also approved by Li Wei"),
    ]
    entry = catalog(root).get("s4")
    assert entry.state is State.APPROVED and reviewed_by(entry) == "Li Wei"


def test_revert_restores_the_last_approved_text_as_an_edit(root: Path, server: Server) -> None:
    release = find_release(root / "releases", SAMPLE_SLUG)
    client = server.client(reviewer="Sok Dara")
    # Li Wei approves "to China"; a translator then changes it back to "in China"
    decide(server.client(reviewer="Translator"), "title", "edit", text=TITLE_KM_TO)
    assert decide(server.client(reviewer="Li Wei"), "title", "approve")[0] == 200
    reviewing.decide(
        release, "km", "title", reviewing.Decision.EDIT, by="Translator", text=TITLE_KM
    )
    page = client.get(f"/r/{SAMPLE_SLUG}/km?filter=all").text
    block = article(page, "title")
    assert "Changed since approved by Li Wei on " in block
    assert "<del>ទៅ</del><ins>នៅ</ins>" in block  # the word diff, by Khmer syllable
    status, fragment = decide(client, "title", "revert")
    assert status == 200
    assert flash(fragment) == "Segment title is back to the approved text (approve it again)."
    entry = catalog(root).get("title")
    assert (entry.target, entry.state) == (TITLE_KM_TO, State.TRANSLATED)
    last = history(root)[-1]
    assert (last["action"], last["by"], last["after"]) == ("edit", "Sok Dara", "translated")
    assert last["comment"].startswith("back to the translation approved by Li Wei on ")
    # the shipped approval of the other wording is still in the history: offered next
    assert "Revert to approved" in article(fragment, "title")
    # s1 was only ever approved as it reads now: no button, and a forged post is refused
    page = client.get(f"/r/{SAMPLE_SLUG}/km?filter=all").text
    assert "Revert to approved" not in article(page, "s1")
    status, fragment = decide(client, "s1", "revert")
    assert status == 422
    assert flash(fragment) == (
        "Segment s1 not saved: s1 has no approved translation other than its current one to go "
        "back to"
    )
    assert catalog(root).get("s1").state is State.APPROVED


def test_approve_all_listed_takes_what_each_segment_showed(
    root: Path, server: Server, cli: Cli
) -> None:
    for segment in ("s1", "s2", "s3"):
        reopen(cli, segment)
    client = server.client(reviewer="Sok Dara")
    page = client.get(f"/r/{SAMPLE_SLUG}/km").text  # needs review: the three drafts
    listed = re.findall(r'name="shown" form="bulk" value="([^"]+)"', page)
    assert [value.split()[0] for value in listed] == ["s1", "s2", "s3"]
    release = find_release(root / "releases", SAMPLE_SLUG)
    # Li Wei confirms the draft s2 as it is (a translation now, no longer a draft)
    reviewing.decide(
        release,
        "km",
        "s2",
        reviewing.Decision.EDIT,
        by="Li Wei",
        text=catalog(root).get("s2").target,
    )
    response = client.post(
        f"/r/{SAMPLE_SLUG}/km/all",
        {"action": "approve", "filter": "needs-review", "shown": listed},
        htmx=True,
    )
    assert response.status_code == 200
    assert flash(response.text) == (
        "2 segments approved. Not decided: s2 is now translated; it was draft when you read it: "
        "look at it again before deciding"
    )
    states = {e.id: e.state for e in catalog(root)}
    assert (states["s1"], states["s2"], states["s3"]) == (
        State.APPROVED,
        State.TRANSLATED,
        State.APPROVED,
    )


def test_forms_work_without_javascript(root: Path, server: Server, cli: Cli) -> None:
    reopen(cli, "s5")
    client = server.client(reviewer="Sok Dara")
    response = client.post(
        f"/r/{SAMPLE_SLUG}/km/s/s5", {**shown(client, "s5"), "action": "approve", "filter": "all"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/r/{SAMPLE_SLUG}/km?filter=all#seg-s5"
    assert catalog(root).get("s5").state is State.APPROVED


def test_a_decision_needs_a_name(root: Path, server: Server, cli: Cli) -> None:
    reopen(cli, "s6")
    client = server.client()
    page = client.get(f"/r/{SAMPLE_SLUG}/km").text
    assert "Give your name before deciding" in page
    status, fragment = decide(client, "s6", "approve")
    assert status == 422
    assert flash(fragment) == (
        "Give your name first (top right): it is recorded with the decision."
    )
    plain = (
        "Your name must be one plain line of at most 100 characters, without [ ] or control "
        "characters."
    )
    for bad, message in [
        ("", "Give your name: it is recorded with every decision you take."),
        ("Sok\nDara", plain),
        ("Sok \u202eDara", plain),
        ("[approved] Dara", plain),
    ]:
        refused = client.post("/name", {"name": bad, "next": "/"})
        assert refused.status_code == 422
        assert html.escape(message, quote=True) in refused.text
    assert catalog(root).get("s6").state is State.DRAFT


def test_the_next_page_after_giving_a_name_stays_on_this_site(server: Server) -> None:
    client = server.client()
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:x"):
        response = client.post("/name", {"name": "Sok Dara", "next": target})
        assert response.headers["location"] == "/"
    kept = client.post("/name", {"name": "Sok Dara", "next": f"/r/{SAMPLE_SLUG}/km?filter=stale"})
    assert kept.headers["location"] == f"/r/{SAMPLE_SLUG}/km?filter=stale"


def test_markup_in_translations_and_names_is_shown_as_text(root: Path, server: Server) -> None:
    release = find_release(root / "releases", SAMPLE_SLUG)
    hostile = '<script>alert("km")</script><img src=x onerror=alert(1)>'
    reviewing.decide(
        release, "km", "s8", reviewing.Decision.EDIT, by="<b>Mallory</b>", text=hostile
    )
    client = server.client(reviewer='"><script>alert(2)</script>')
    for path in (
        f"/r/{SAMPLE_SLUG}/km?filter=all",
        f"/r/{SAMPLE_SLUG}/history",
        f"/r/{SAMPLE_SLUG}/km/s/s8/history",
        "/",
    ):
        page = client.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>Mallory" not in page
        assert "onerror=alert(" in page or "/km" not in path  # where the text is shown
    page = client.get(f"/r/{SAMPLE_SLUG}/km?filter=all").text
    assert "&lt;script&gt;alert(&#34;km&#34;)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in page  # the reviewer's name
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in client.get(f"/r/{SAMPLE_SLUG}/km/s/s8/history").text


def test_pages_refuse_unknown_releases_languages_and_segments(server: Server) -> None:
    client = server.client()
    for path, message in [
        (
            "/r/no-such-release/km",
            "There is no release &#39;no-such-release&#39; in this workspace.",
        ),
        (f"/r/{SAMPLE_SLUG}/fr", "This release is not translated into fr."),
        (f"/r/{SAMPLE_SLUG}/km/s/s99/history", "There is no such segment."),
    ]:
        response = client.get(path)
        assert response.status_code == 404
        assert message in response.text


def test_the_releases_page_shows_number_embargo_progress_and_verdicts(
    root: Path, server: Server, cli: Cli
) -> None:
    toml = root / "releases" / SAMPLE_SLUG / "release.toml"
    shipped = toml.read_text(encoding="utf-8")
    toml.write_text(
        shipped.replace(
            'number = "MFAIC/2024/001"',
            'number = "MFAIC/2024/031"\nembargo = 2024-12-02T08:00:00+07:00',
        ),
        encoding="utf-8",
    )
    reopen(cli, "s2")
    page = server.client().get("/").text
    assert "<dt>Number</dt><dd>MFAIC/2024/031</dd>" in page
    assert (
        '<time datetime="2024-12-02T08:00:00+07:00">2 December 2024, 08:00 (UTC+07:00)</time>'
        in page
    )
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", page, re.S)
    km, zh = rows[-2:]  # the release's rows, after the boilerplate's
    cells = re.findall(r'data-label="([a-z]+)">(\d+)</td>', km)
    assert cells == [
        ("untranslated", "0"),
        ("draft", "1"),
        ("translated", "0"),
        ("reviewed", "0"),
        ("approved", "12"),
        ("stale", "0"),
    ]
    assert '<span class="no">no</span>' in km
    assert "km not published: 1 segment not approved: s2" in km
    assert "Review (1)</a>" in km
    assert '<span class="yes">yes</span>' in zh
    assert '<progress max="13" value="13" aria-label="Approved">100%</progress>' in zh


def test_reject_with_a_comment_and_the_history_of_segment_and_release(
    root: Path, server: Server
) -> None:
    client = server.client(reviewer="Sok Dara")
    status, fragment = decide(client, "s2", "reject", comment="  ")
    assert status == 422
    assert flash(fragment) == (
        "Segment s2 not saved: a rejection needs a comment saying what is wrong"
    )
    comment = "Use the ministry's official name\r\n(with International Cooperation)"
    status, fragment = decide(client, "s2", "reject", comment=comment)
    assert status == 200 and flash(fragment) == "Segment s2 rejected: back to draft."
    entry = catalog(root).get("s2")
    assert entry.state is State.DRAFT
    assert entry.rejection is not None and entry.rejection.startswith("rejected by Sok Dara on ")
    assert entry.rejection.endswith(
        ": Use the ministry's official name (with International Cooperation)"
    )
    for path in (f"/r/{SAMPLE_SLUG}/km/s/s2/history", f"/r/{SAMPLE_SLUG}/history?lang=km"):
        page = client.get(path).text
        row = re.search(r'<tr class="event action-reject">.*?</tr>', page, re.S)
        assert row, path
        cells = [
            html.unescape(re.sub(r"<[^>]+>", " ", cell)).split()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
        ]
        assert cells[1:5] == [["Sok", "Dara"], ["rejected"], ["s2"], ["approved", "→", "draft"]]
        assert " ".join(cells[5]) == (
            "Use the ministry's official name (with International Cooperation)"
        )
    whole = client.get(f"/r/{SAMPLE_SLUG}/history").text  # every language, newest first
    assert whole.index("action-reject") < whole.index("action-approve")


def test_glossary_terms_and_qa_errors_are_shown_with_their_segment(
    root: Path, server: Server
) -> None:
    (root / "glossary.toml").write_text(
        '[[term]]\nen = "President of the Senate"\nkm = "ប្រធានព្រឹទ្ធសភា"\n\n'
        '[[term]]\nen = "Ministry of Foreign Affairs"\n'
        'km = "ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ"\n',
        encoding="utf-8",
    )
    client = server.client(reviewer="Sok Dara")
    page = client.get(f"/r/{SAMPLE_SLUG}/km?filter=qa-errors").text
    assert re.findall(r'<article[^>]* id="seg-([a-z0-9]+)"', page) == ["s2"]
    assert re.search(r'data-filter="qa-errors"[^>]*>QA errors <span class="n">1</span>', page)
    s2 = article(page, "s2")
    assert '<span class="qa-count">1 QA error</span>' in s2
    assert '<code>glossary-term-missing</code> <span lang="en">The glossary requires' in s2
    assert re.search(
        r'<li class="term missing"><mark class="ph ph-term" lang="en">Ministry of Foreign Affairs'
        r'</mark> → <mark class="ph ph-term" lang="km">ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ'
        r"</mark> "
        r'<span class="term-state">missing</span></li>',
        s2,
    )
    s1 = article(client.get(f"/r/{SAMPLE_SLUG}/km?filter=all").text, "s1")
    assert re.search(
        r'<li class="term used"><mark class="ph ph-term" lang="en">President of the Senate</mark>'
        r' → <mark class="ph ph-term" lang="km">ប្រធានព្រឹទ្ធសភា</mark> '
        r'<span class="term-state">used</span></li>',
        s1,
    )
    # approving it anyway is the reviewer's call, but they are told what the build will say
    reopen_status, fragment = decide(client, "s2", "reject", comment="the ministry's name")
    assert reopen_status == 200
    status, fragment = decide(client, "s2", "approve")
    assert status == 200
    assert flash(fragment) == (
        "Segment s2 approved. Note: 1 QA error remains; the build refuses it."
    )
    # the publishing rule agrees: the releases page says why Khmer is not publishable
    releases = client.get("/").text
    assert "km not published: 1 QA error: s2 glossary-term-missing" in releases


def test_memory_suggestions_come_from_other_releases(root: Path, server: Server, cli: Cli) -> None:
    source = root / "visit.md"
    source.write_text(
        "# The Cambodian government and China\n\nThe Cambodian government views China as an "
        "important partner in regional affairs, and this visit is expected to enhance the "
        "country's role in regional and international diplomacy.\n",  # ' not ’: not exact
        encoding="utf-8",
    )
    cli(
        *("new", str(source), "--slug", "2024-12-05-partner", "--date", "2024-12-05"),
        *("--place", "Phnom Penh"),
    )
    client = server.client(reviewer="Sok Dara")
    found = client.get("/r/2024-12-05-partner/km/s/s1/suggestions").text
    sample_s6 = catalog(root).get("s6").target
    assert re.search(
        rf'<button type="button" class="use-text suggestion" data-text="{sample_s6}" '
        rf'data-for="text-s1" lang="km"><span class="score">9\d%</span> {sample_s6} '
        rf'<span class="from">{SAMPLE_SLUG}/s6</span></button>',
        found,
    ), found
    none = client.get(f"/r/{SAMPLE_SLUG}/km/s/title/suggestions").text
    assert "No similar segment in the translation memory." in none


@pytest.mark.slow
def test_the_pages_are_valid_html(root: Path, server: Server, cli: Cli, tmp_path: Path) -> None:
    """The W3C Nu validator (npm vnu-jar, installed by `make test`) finds no error."""
    vnu = REPO / ".cache" / "npm" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    assert vnu.is_file(), f"{vnu} is missing: run `make test`"
    reopen(cli, "s3")
    client = server.client(reviewer="Sok Dara")
    decide(client, "s1", "reject", comment="<check> the title & the party")
    pages = {
        "releases": "/",
        "review": f"/r/{SAMPLE_SLUG}/km?filter=all",
        "review-zh": f"/r/{SAMPLE_SLUG}/zh-Hans",
        "history": f"/r/{SAMPLE_SLUG}/history",
        "segment-history": f"/r/{SAMPLE_SLUG}/km/s/s1/history",
        "preview": f"/r/{SAMPLE_SLUG}/km/preview",
        "name": "/name",
        "not-found": "/r/no-such-release/km",
    }
    files = []
    for name, path in pages.items():
        target = tmp_path / f"{name}.html"
        target.write_text(client.get(path).text, encoding="utf-8")
        files.append(str(target))
    result = subprocess.run(
        ["java", "-jar", str(vnu), "--errors-only", *files], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_a_byte_order_mark_typed_in_an_edit_is_removed(root: Path, server: Server) -> None:
    """U+FEFF is removed like the other invisible controls; ZWSP, ZWNJ and ZWJ are kept
    (issue 20, item 11)."""
    client = server.client(reviewer="Sok Dara")
    typed = TITLE_KM_TO.replace("ទៅ", "\ufeffទៅ\u200b") + "\u200c\u200d"
    status, fragment = decide(client, "title", "edit", text=typed)
    assert status == 200 and flash(fragment) == "Segment title saved."
    assert catalog(root).get("title").target == typed.replace("\ufeff", "")
