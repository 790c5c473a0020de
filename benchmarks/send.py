"""Benchmark: `publisher send` of the sample to 2,000 recipients on a local SMTP server.

A copy of this repository's workspace with a generated list (recipients cycling
through km, zh-Hans, en, km+en and zh-Hans+en, so messages carry one or two
PDFs of 30-330 KB), [smtp] pointing at aiosmtpd on 127.0.0.1 in another
process (STARTTLS with a certificate made here, AUTH), the rate limit off. The
PDFs are built once first (the send takes them from the cache, as after a
`publisher build`). Each round deletes the send log, then sends the list again.

Measured, median of --rounds with the spread (min-max):

  msg/s whole     recipients / the whole send (list, plan, versions, TLS, every message)
  msg/s steady    messages per second between the first and the last message
  peak traced     tracemalloc's peak of the send, in this process
  peak RSS        the high-water mark of `publisher send` run as a command, for
                  --small and --recipients: memory flat in the number of recipients

Goal on this 2-core machine: at least 50 messages per second; memory flat.

    .venv/bin/python benchmarks/send.py [--recipients 2000] [--small 500] [--rounds 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from publisher.core.release import find_release  # noqa: E402
from publisher.core.workspace import Workspace  # noqa: E402
from publisher.publishing.builders.dist import DistBuilder  # noqa: E402
from publisher.publishing.builders.send import SendBuilder  # noqa: E402
from tests.support.mail import LANG_CYCLE, set_smtp  # noqa: E402
from tests.support.smtp_server import PASSWORD, USER, free_port, make_certificate  # noqa: E402

if TYPE_CHECKING:
    from multiprocessing.synchronize import Event

SLUG = "2024-11-30-samdech-techo-hun-sen-pay-official-goodwill-visit-china"


def serve(port: int, cert: str, key: str, ready: Event, stock: bool) -> None:
    """The SMTP server process: counts messages, keeps none.

    Stock aiosmtpd reads DATA one line at a time in Python (about 4,000 lines for a
    message with the Chinese PDF), which caps it near 25 messages per second on this
    machine whatever the client does. Unless --stock-server, DATA is read in chunks up to
    the final ".": the server then stands in for a real MTA, and the client is measured.
    """
    import asyncio
    import re
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

    class Counting:
        async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
            return "250 2.0.0 queued"

    class ChunkedData(SMTP):
        async def smtp_DATA(self, arg: str) -> None:
            if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
                return
            envelope = self.envelope
            assert envelope is not None  # the session's, from its greeting on
            if not envelope.rcpt_tos:
                await self.push("503 Error: need RCPT command")
                return
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            buffer = bytearray()
            while not (buffer.endswith(b"\r\n.\r\n") or buffer == b".\r\n"):
                chunk = await self._reader.read(1 << 20)
                if not chunk:
                    raise asyncio.CancelledError
                buffer += chunk
            body = re.sub(rb"(?m)^\.", b"", bytes(buffer[:-3]))
            envelope.content = envelope.original_content = body
            status = await self._call_handler_hook("DATA")
            # aiosmtpd's own reset after DATA, which it leaves unannotated
            self._set_post_data_state()  # type: ignore[no-untyped-call]
            await self.push(status)

    class Fast(Controller):
        def factory(self) -> SMTP:
            return ChunkedData(self.handler, **self.SMTP_kwargs)

    def auth(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.password.decode() == PASSWORD
        return AuthResult(success=ok)

    # aiosmtpd itself still sets the attribute it deprecates, once per AUTH
    warnings.filterwarnings("ignore", message="Session.login_data is deprecated")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    controller = (Controller if stock else Fast)(
        Counting(),
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=auth,
        auth_required=True,
        data_size_limit=64 * 1024 * 1024,
    )
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


def workspace(root: Path, port: int, cert: Path, sizes: list[int]) -> Workspace:
    for name in ("publisher.toml", "glossary.toml", "numbers.jsonl"):
        shutil.copy(REPO / name, root / name)
    for name in ("releases", "boilerplate", "templates", "locales"):
        shutil.copytree(
            REPO / name, root / name, ignore=shutil.ignore_patterns("sends.jsonl", ".*lock")
        )
    (root / "lists").mkdir()
    for size in sizes:
        lines = ["email,name,outlet,languages,tags"]
        for i in range(1, size + 1):
            langs = " ".join(LANG_CYCLE[(i - 1) % len(LANG_CYCLE)])
            lines.append(f"reporter{i:05d}@example.org,Reporter {i},Outlet {i},{langs},")
        (root / "lists" / f"r{size}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    set_smtp(
        root,
        {
            "host": "127.0.0.1",
            "port": port,
            "security": "starttls",
            "user": USER,
            "from": "press-office@example.org",
            "rate": 0,
            "retries": 2,
            "timeout": 30,
            "ca_file": str(cert),
            "unsubscribe_url": "https://press.example.org/unsubscribe?list={list}&email={email}",
        },
    )
    ws = Workspace.load(root)
    release = find_release(ws.releases_dir, SLUG)
    DistBuilder(ws, out_dir=root / "dist", jobs=1).build([release])
    return ws


def send_in_process(ws: Workspace, size: int) -> dict[str, float]:
    (ws.releases_dir / SLUG / "sends.jsonl").unlink(missing_ok=True)
    stamps: list[float] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "sending":
            stamps.append(time.perf_counter())

    builder = SendBuilder(ws, list_name=f"r{size}", password=PASSWORD, progress=progress)
    tracemalloc.start()
    start = time.perf_counter()
    report = builder.build([find_release(ws.releases_dir, SLUG)])
    whole = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    counts = report.counts()
    assert counts == {"sent": size}, counts
    steady = (len(stamps) - 1) / (stamps[-1] - stamps[0])
    return {"whole": size / whole, "steady": steady, "traced_mb": peak / 2**20}


def send_command(root: Path, size: int) -> float:
    """Peak RSS (MB) of `publisher send` as a command: its own VmHWM, read from /proc while
    it runs (wait4's ru_maxrss would count the `fc-list` child the engine runs once for the
    PDFs' cache key, ~250 MB of fontconfig, which is not the send's)."""
    (root / "releases" / SLUG / "sends.jsonl").unlink(missing_ok=True)
    env = dict(os.environ, PUBLISHER_SMTP_PASSWORD=PASSWORD)
    proc = subprocess.Popen(
        [sys.executable, "-m", "publisher", "-w", str(root), "send", SLUG, "--list", f"r{size}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak_kb = 0
    status = Path(f"/proc/{proc.pid}/status")
    while proc.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb = max(peak_kb, int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    return peak_kb / 1024


def spread(values: list[float], unit: str, digits: int = 1) -> str:
    return (
        f"{statistics.median(values):.{digits}f} {unit} "
        f"({min(values):.{digits}f}-{max(values):.{digits}f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stock-server", action="store_true", help="aiosmtpd's own DATA reader")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="publisher-send-bench-") as tmp:
        root = Path(tmp) / "ws"
        root.mkdir()
        cert, key = make_certificate(Path(tmp) / "cert")
        port = free_port()
        ready = multiprocessing.get_context("spawn").Event()
        server = multiprocessing.get_context("spawn").Process(
            target=serve, args=(port, str(cert), str(key), ready, args.stock_server), daemon=True
        )
        server.start()
        ready.wait(30)
        try:
            ws = workspace(root, port, cert, [args.small, args.recipients])
            print(
                f"sending the sample to {args.recipients} recipients, {args.rounds} rounds, "
                "rate limit off, STARTTLS + AUTH to aiosmtpd in another process, "
                + ("its own DATA reader" if args.stock_server else "DATA read in chunks")
            )
            results = {
                size: [send_in_process(ws, size) for _ in range(args.rounds)]
                for size in (args.small, args.recipients)
            }
            rss = {
                size: [send_command(root, size) for _ in range(args.rounds)]
                for size in (args.small, args.recipients)
            }
        finally:
            server.terminate()
        for size in (args.small, args.recipients):
            runs = results[size]
            print(
                f"{size:>6} recipients: msg/s whole {spread([r['whole'] for r in runs], '')}"
                f", steady {spread([r['steady'] for r in runs], '')}"
                f"; peak traced {spread([r['traced_mb'] for r in runs], 'MB')}"
                f"; peak RSS {spread(rss[size], 'MB')}"
            )
        big = statistics.median(r["whole"] for r in results[args.recipients])
        ratio = statistics.median(rss[args.recipients]) / statistics.median(rss[args.small])
        print(
            f"goal >= 50 msg/s: {'met' if big >= 50 else 'NOT met'} ({big:.1f}); "
            f"RSS {args.recipients} / {args.small} recipients: {ratio:.2f}x"
        )


if __name__ == "__main__":
    main()
