"""Direct tests of the incremental engine's parts: the content-addressed cache, the output
state of a folder, and the fingerprints that make cache keys."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from publisher.core.workspace import open_workspace
from publisher.errors import WorkerDied
from publisher.publishing import cache as cache_module
from publisher.publishing import engine as engine_module
from publisher.publishing import fingerprint
from publisher.publishing import steps as steps_module
from publisher.publishing import workers as workers_module
from publisher.publishing.cache import Cache, OutputState
from publisher.publishing.fingerprint import (
    StatCache,
    TemplateHasher,
    digest,
    file_hash,
    files_for_language,
    release_files,
)
from publisher.render.pdf import RenderedPdf


def test_cache_put_get_and_files(tmp_path: Path) -> None:
    cache = Cache(tmp_path / ".publisher-cache")
    key = digest("pdf", "x")
    assert cache.get(key) is None
    meta = cache.put(key, {"out.pdf": b"%PDF-1.7"}, {"size": 8})
    assert meta == {"size": 8} and cache.get(key) == {"size": 8}
    assert cache.file(key, "out.pdf").read_bytes() == b"%PDF-1.7"
    # A second put of the same key keeps the first entry (both writers made the same bytes).
    cache.put(key, {"out.pdf": b"other"}, {"size": 5})
    assert cache.get(key) == {"size": 8}


def test_half_written_entry_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    key = digest("html", 1)
    entry = cache.entry(key)
    entry.mkdir(parents=True)
    (entry / "en.html").write_bytes(b"<p>")  # no meta.json: an interrupted writer
    assert cache.get(key) is None
    (entry / "meta.json").write_text("{not json")
    assert cache.get(key) is None


def test_output_state_copies_once_and_repairs_edits(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    out = tmp_path / "dist"
    source = tmp_path / "page.html"
    source.write_bytes(b"<p>one</p>")
    state = OutputState(cache, out)
    assert state.copy("r/en.html", "k1", source) is True
    state.save()
    again = OutputState(cache, out)
    assert again.copy("r/en.html", "k1", source) is False  # stat matches: nothing done
    (out / "r" / "en.html").write_bytes(b"<p>edited by hand</p>")
    assert again.copy("r/en.html", "k1", source) is True  # repaired
    assert (out / "r" / "en.html").read_bytes() == b"<p>one</p>"
    assert again.write("r/km.html", "k2", b"<p>km</p>") is True
    again.save()
    third = OutputState(cache, out)
    third.copy("r/en.html", "k1", source)
    assert third.prune() == ["r/km.html"]  # no longer produced: removed
    assert not (out / "r" / "km.html").exists()


def test_outputs_are_not_fsynced_and_one_a_power_cut_left_is_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build's output files are renamed into place without fsync (each waits for the
    disk; a site writes thousands): its record stays durable. A power cut can then leave
    an output empty, or the old one, with the record of the new one: the next build finds
    it otherwise than it left it and writes it again."""
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    cache, out = Cache(tmp_path / "cache"), tmp_path / "dist"
    state = OutputState(cache, out)
    assert state.write("r/en.pdf", "k1", b"%PDF new") is True
    assert state.write("r/old.pdf", "k2", b"%PDF two") is True
    assert synced == []  # neither the files nor their folder
    state.save()
    assert synced  # the record is
    (out / "r" / "en.pdf").write_bytes(b"")  # as a power cut can leave it
    (out / "r" / "old.pdf").write_bytes(b"%PDF one")  # the rename lost: the old file
    os.utime(out / "r" / "old.pdf", ns=(0, 0))
    again = OutputState(cache, out)
    assert again.write("r/en.pdf", "k1", b"%PDF new") is True
    assert again.copy("r/old.pdf", "k2", _file(tmp_path, b"%PDF two")) is True
    assert (out / "r" / "en.pdf").read_bytes() == b"%PDF new"
    assert (out / "r" / "old.pdf").read_bytes() == b"%PDF two"


def test_a_killed_build_leaves_no_file_that_the_next_build_cannot_remove(
    tmp_path: Path,
) -> None:
    """A build killed before it saves its record (here SIGKILL, mid-way through a
    write) leaves files no record names. Its journal names them: the next build removes
    the temporary file the killed write left, and prunes the written file it does not
    make again (a release withdrawn meanwhile) instead of leaving it on the site."""
    cache, out = Cache(tmp_path / "cache"), tmp_path / "site"
    kept = OutputState(cache, out)
    kept.write("index.html", "k0", b"<p>home</p>")
    kept.save()
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, signal, sys\n"
            "from pathlib import Path\n"
            "from publisher.core import fsutil\n"
            "from publisher.publishing.cache import Cache, OutputState\n"
            "state = OutputState(Cache(Path(sys.argv[1])), Path(sys.argv[2]))\n"
            "state.write('releases/new/en.pdf', 'k1', b'%PDF new')\n"
            "def killed_midway(fd, *args):\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n"
            "fsutil.os.fchmod = killed_midway\n"  # after the temporary file is made
            "state.write('releases/new/km.pdf', 'k2', b'%PDF km')\n",
            str(tmp_path / "cache"),
            str(out),
        ],
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    leftovers = sorted(p.name for p in (out / "releases" / "new").iterdir())
    assert leftovers[1] == "en.pdf" and leftovers[0].startswith(".km.pdf.")  # unrecorded
    again = OutputState(cache, out)
    assert again.interrupted == ["releases/new/en.pdf", "releases/new/km.pdf"]
    assert [Path(rel).name for rel in again.sweep()] == leftovers[:1]
    assert again.write("index.html", "k0", b"<p>home</p>") is False
    assert again.prune() == ["releases/new/en.pdf", "releases/new/km.pdf"]
    again.save()
    assert not (out / "releases").exists()
    assert not again.journal.exists()
    assert sorted(OutputState(cache, out).files) == ["index.html"]


def test_a_journal_never_names_a_file_outside_the_output_folder(tmp_path: Path) -> None:
    cache, out = Cache(tmp_path / "cache"), tmp_path / "site"
    outside = tmp_path / "keep.txt"
    outside.write_text("mine")
    state = OutputState(cache, out)
    state.journal.parent.mkdir(parents=True)
    state.journal.write_text(f"../keep.txt\n{outside}\nreleases//x\nok.html\n")
    again = OutputState(cache, out)
    assert again.interrupted == ["ok.html"]
    assert again.prune() == ["ok.html"]
    assert outside.read_text() == "mine"


def _file(folder: Path, data: bytes) -> Path:
    path = folder / "cached"
    path.write_bytes(data)
    return path


def test_release_files_ignore_lock_and_hidden_not_history(tmp_path: Path) -> None:
    (tmp_path / "translations").mkdir()
    (tmp_path / "source.md").write_text("# T\n")
    (tmp_path / "translations" / "km.po").write_text("po")
    (tmp_path / "history.jsonl").write_text("{}\n")
    (tmp_path / ".lock").write_text("")
    (tmp_path / ".tmp-file").write_text("x")
    files = release_files(tmp_path)
    # history.jsonl backs the approvals: an input of the plan (not of the pages)
    assert sorted(files) == ["history.jsonl", "source.md", "translations/km.po"]
    assert files["source.md"] == file_hash(tmp_path / "source.md")
    (tmp_path / "history.jsonl").write_text("{}\n{}\n")
    assert release_files(tmp_path)["history.jsonl"] != files["history.jsonl"]
    before = release_files(tmp_path)
    assert "history.jsonl" not in files_for_language(before, "km")
    os.utime(tmp_path / "source.md", (1, 1))  # a checkout changes mtimes, not content
    assert release_files(tmp_path) == before
    (tmp_path / "source.md").write_text("# T2\n")
    assert release_files(tmp_path) != before


def test_one_language_does_not_depend_on_the_others() -> None:
    files = {"source.md": "a", "translations/km.po": "b", "translations/zh-Hans.po": "c"}
    assert files_for_language(files, "km") == {"source.md": "a", "translations/km.po": "b"}


def test_template_hash_follows_includes_and_overrides(tmp_path: Path) -> None:
    package, workspace = tmp_path / "package", tmp_path / "workspace"
    package.mkdir()
    workspace.mkdir()
    (package / "page.html").write_text('{% include "part.html" %}')
    (package / "part.html").write_text("part")
    (package / "other.html").write_text("other")
    key = TemplateHasher([workspace, package]).key("page.html")
    (package / "other.html").write_text("changed")
    assert TemplateHasher([workspace, package]).key("page.html") == key  # not a dependency
    (package / "part.html").write_text("part, edited")
    edited = TemplateHasher([workspace, package]).key("page.html")
    assert edited != key
    (workspace / "part.html").write_text("the office's own part")
    assert TemplateHasher([workspace, package]).key("page.html") not in (key, edited)


def test_digest_is_stable_and_order_insensitive_for_mappings() -> None:
    assert digest({"a": 1, "b": 2}) == digest({"b": 2, "a": 1})
    assert digest([1, 2]) != digest([2, 1])
    assert len(digest("x")) == 64


def test_stat_cache_rehashes_only_what_changed_and_sees_copies(tmp_path: Path) -> None:
    folder = tmp_path / "rel"
    folder.mkdir()
    source = folder / "source.md"
    source.write_text("# One\n")
    time.sleep(0.01)
    store = tmp_path / "stat.json"
    stats = StatCache(store)
    stats.started = time.time_ns() + 5_000_000_000  # everything here counts as old enough
    assert stats.hash(source) == file_hash(source)
    stats.save()
    reads: list[Path | str] = []
    original = fingerprint.file_hash

    def counting(path: Path | str) -> str:
        reads.append(path)
        return original(path)

    fingerprint.file_hash = counting
    try:
        again = StatCache(store)
        again.started = stats.started
        assert again.hash(source) == file_hash(source) and reads == []  # stat unchanged
        # An edit that keeps size and mtime (set back by hand) still changes the ctime.
        st = source.stat()
        source.write_text("# Two\n")
        os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert again.hash(source) == original(source) and reads == [source]
        # A copy that keeps the mtime (cp -p, a restored zip) is a new inode: read again.
        copy = tmp_path / "copy"
        shutil.copytree(folder, copy)
        reads.clear()
        assert again.hash(copy / "source.md") == original(source) and len(reads) == 1
    finally:
        fingerprint.file_hash = original


def test_the_stat_cache_is_not_fsynced_and_one_a_power_cut_emptied_is_hashed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """stat.json (file hashes by size, mtime, inode, ctime) is written without fsync:
    a power cut can leave the old file or an empty one, and then files are hashed again."""
    source = tmp_path / "source.md"
    source.write_text("# One\n")
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd))
    stats = StatCache(tmp_path / "stat.json")
    stats.started = time.time_ns() + 5_000_000_000  # everything here counts as old enough
    stats.hash(source)
    stats.save()
    assert (tmp_path / "stat.json").stat().st_size > 0 and synced == []
    (tmp_path / "stat.json").write_bytes(b"")  # as a power cut can leave it
    again = StatCache(tmp_path / "stat.json")
    assert again.entries == {} and again.hash(source) == file_hash(source)


def test_stat_cache_does_not_trust_a_file_changed_just_now(tmp_path: Path) -> None:
    path = tmp_path / "km.po"
    path.write_text("a")
    stats = StatCache(tmp_path / "stat.json")
    stats.hash(path)
    assert str(path) not in stats.entries  # written within the racy window: not kept
    later = StatCache(tmp_path / "stat.json")
    later.started = time.time_ns() + 3_000_000_000  # a build three seconds later
    later.hash(path)
    assert str(path) in later.entries


def _filled_cache(root: Path, count: int) -> tuple[Cache, list[str]]:
    """A cache holding `count` PDF entries (meta {"size": n}), and their keys in order."""
    writer = Cache(root)
    keys = [digest("pdf", n) for n in range(count)]
    for n, key in enumerate(keys):
        writer.put(key, {"out.pdf": b"%PDF"}, {"size": n})
    return writer, keys


def test_the_meta_index_is_read_once_and_survives_a_cleaned_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "LAZY_GETS", 0)  # the index from the first lookup
    root = tmp_path / ".publisher-cache"
    writer, keys = _filled_cache(root, 3)
    first = Cache(root, indexed=True)
    assert [first.get(k) for k in keys] == [{"size": 0}, {"size": 1}, {"size": 2}]
    first.save_index()
    assert (root / "v1" / "index.json").is_file()
    # an entry removed by hand is a miss, whatever the index says
    shutil.rmtree(writer.entry(keys[1]))
    second = Cache(root, indexed=True)
    assert second.get(keys[0]) == {"size": 0} and second.get(keys[1]) is None


def test_a_build_asking_for_few_entries_neither_reads_nor_rewrites_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One release changed: a dozen lookups, each from its entry; the index of the whole
    archive is read only by a build that asks for more (LAZY_GETS)."""
    monkeypatch.setattr(cache_module, "LAZY_GETS", 4)
    root = tmp_path / ".publisher-cache"
    _, keys = _filled_cache(root, 6)
    few = Cache(root, indexed=True)
    assert [few.get(k) for k in keys[:4]] == [{"size": n} for n in range(4)]
    few.save_index()
    assert not (root / "v1" / "index.json").exists()
    many = Cache(root, indexed=True)
    assert [many.get(k) for k in keys] == [{"size": n} for n in range(6)]
    many.save_index()
    assert (root / "v1" / "index.json").is_file()


def _dies_in_a_forked_worker(parent: int, marker: str, number: int) -> dict[str, int]:
    if os.getpid() != parent:
        Path(marker).write_text("forked", encoding="utf-8")
        os._exit(1)
    return {"number": number, "pid": os.getpid()}


def test_a_forked_worker_that_dies_leaves_the_steps_to_this_process(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker forked for one release's PDFs can die (a library's state that does not
    survive the fork): the steps then run here, and the build has its files."""

    monkeypatch.setattr(workers_module, "_thread_count", lambda: 1)
    monkeypatch.setattr(workers_module.WorkerPool, "prepare_renderer", lambda self, wait: None)
    ws = open_workspace(workspace)
    engine = engine_module.Engine(ws, jobs=2)
    marker = tmp_path / "marker"
    calls = [(os.getpid(), str(marker), n) for n in range(3)]
    results = engine._run("PDFs", _dies_in_a_forked_worker, calls, heavy=True)
    assert marker.read_text(encoding="utf-8") == "forked"
    assert results == [{"number": n, "pid": os.getpid()} for n in range(3)]


def _dies_for_one(number: int) -> dict[str, int]:
    if number == 1:
        os._exit(1)
    return {"number": number}


def test_a_pool_worker_that_dies_is_a_step_error_and_the_next_stage_gets_new_workers(
    workspace: Path,
) -> None:
    """Killed by the kernel (out of memory) or crashed in a library: the steps it took
    down are reported as errors, in words, and the build's next stage still runs."""
    engine = engine_module.Engine(open_workspace(workspace), jobs=2)
    try:
        broken = engine._run("photos", _dies_for_one, [(n,) for n in range(6)])
        assert len(broken) == 6
        died = [r for r in broken if isinstance(r, WorkerDied)]
        assert died and "stopped before finishing" in str(died[0])
        assert all(isinstance(r, (dict, WorkerDied)) for r in broken)
        again = engine._run("photos", _dies_for_one, [(n,) for n in (0, 2, 3, 4, 5)])
        assert again == [{"number": n} for n in (0, 2, 3, 4, 5)]
    finally:
        engine.close()


def _doubled(number: int) -> dict[str, int]:
    return {"number": number * 2}


def test_a_pool_worker_killed_between_stages_leaves_the_next_stage_to_new_workers(
    workspace: Path,
) -> None:
    """The out-of-memory killer takes the process holding the most memory: often a worker
    idle between two stages, after a heavy PDF. Its pool is broken before the next stage
    gives it anything: that stage runs on new workers (it used to end the build with a
    traceback)."""
    engine = engine_module.Engine(open_workspace(workspace), jobs=2)
    try:
        wanted = [{"number": n * 2} for n in range(6)]
        assert engine._run("photos", _doubled, [(n,) for n in range(6)]) == wanted
        pool = engine.pool._pool
        assert pool is not None
        victim = next(iter(pool._processes.values()))
        assert victim.pid is not None
        os.kill(victim.pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while not pool._broken and time.monotonic() < deadline:  # the executor has seen it
            time.sleep(0.01)
        assert pool._broken
        assert engine._run("photos", _doubled, [(n,) for n in range(6)]) == wanted
        assert engine.pool._pool is not pool
    finally:
        engine.close()


def test_a_renderer_loaded_in_a_thread_has_exited_when_the_pdf_workers_fork(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """WeasyPrint loads in a thread while a build makes its photos for print; the PDF
    workers fork once it is joined, from a process with no other thread (`run_forked`
    refuses one and renders the PDFs one by one here). `join` returns a little before
    the system stops listing the thread (4 times in 10 here): the pool waits for that."""
    monkeypatch.setattr(workers_module, "_prepare", lambda: time.sleep(0.002))
    for _ in range(20):
        pool = workers_module.WorkerPool(2)
        pool.prepare_renderer(wait=False)
        thread = pool._preparing
        assert isinstance(thread, threading.Thread)
        pool.prepare_renderer(wait=True)
        assert not Path(f"/proc/self/task/{thread.native_id}").exists()


def test_a_pool_worker_trims_its_heap_once_idle_not_after_each_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pool's worker (`serve`, `preview`, a site's) hands the heap its PDFs freed back
    to the system once it has rendered nothing for a while (its watch thread asks), not
    after each PDF: 5 to 7 ms a trim, thousands of PDFs in a site."""
    trims: list[float] = []
    monkeypatch.setattr(steps_module, "_release_memory", lambda: trims.append(time.monotonic()))
    monkeypatch.setattr(steps_module, "_pool_worker", True)
    monkeypatch.setattr(steps_module, "IDLE_TRIM_SECONDS", 0.2)
    monkeypatch.setattr(steps_module, "_pdf", lambda *args: RenderedPdf(b"%PDF-1.7", 1))
    cache = str(tmp_path / "cache")
    for number in range(3):  # three PDFs, one after the other
        steps_module.pdf_step("ws", "slug", "en", False, digest("pdf", number), cache)
        assert not steps_module.trim_if_idle()  # one just ended
    assert trims == []
    time.sleep(0.25)
    assert steps_module.trim_if_idle() and len(trims) == 1
    assert not steps_module.trim_if_idle()  # nothing rendered since
    with steps_module._rendering_pdf():
        time.sleep(0.25)
        assert not steps_module.trim_if_idle()  # one is rendering
    monkeypatch.setattr(steps_module, "_pool_worker", False)  # `publisher build`
    time.sleep(0.25)
    assert not steps_module.trim_if_idle() and len(trims) == 1


def test_workers_closed_soon_have_exited_when_close_returns() -> None:
    """A site build done with its workers stops them in a thread while it writes its
    listings (`close_soon`); its `close` at the end waits for that thread: the worker
    processes are gone, and a later stage would start new ones."""
    pool = workers_module.WorkerPool(2)
    assert pool.run("photos", _doubled, [(n,) for n in range(6)]) == [
        {"number": n * 2} for n in range(6)
    ]
    executor = pool._pool
    assert executor is not None
    processes = list(executor._processes.values())
    assert len(processes) == 2
    pool.close_soon()
    closing = pool._closing
    assert closing is not None and closing.name == "publisher-workers-close"
    pool.close()
    assert not closing.is_alive() and pool._pool is None and pool._closing is None
    assert all(process.exitcode is not None for process in processes)
    assert pool.run("photos", _doubled, [(1,)] * 4) == [{"number": 2}] * 4
    pool.close()
