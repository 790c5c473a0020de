"""`publisher serve`: the local web review app, for reviewers who do not use a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from publisher.cli import params
from publisher.errors import UsageError

app = typer.Typer()


@app.command()
def serve(
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on (0: any free port)")
    ] = 8765,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on (default 127.0.0.1: this machine only; anything else "
            "lets other machines reach the app and prints a warning)",
        ),
    ] = "127.0.0.1",
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the link in the default browser")
    ] = False,
    tls_cert: Annotated[
        Path | None,
        typer.Option("--tls-cert", help="Serve HTTPS with this PEM certificate", dir_okay=False),
    ] = None,
    tls_key: Annotated[
        Path | None,
        typer.Option("--tls-key", help="The certificate's PEM private key", dir_okay=False),
    ] = None,
) -> None:
    """Start the web review app on this machine.

    Prints a link with a random access token. Without a register of reviewers,
    whoever opens it gives their name once and reviews; with one, it views only,
    and each reviewer decides through their personal link. Every decision is
    saved at once in the release folders, with the same rules, locks and history
    as the CLI.
    """
    if not 0 <= port <= 65535:
        raise UsageError("--port must be between 0 and 65535")
    ws = params.workspace()
    # Imported here: the web stack (Starlette, uvicorn, the app; about 0.25 s) is needed
    # only when the server runs, not by `publisher --help` or `publisher serve --help`.
    from publisher.web.server import serve as run_server

    run_server(
        ws.root,
        host=host,
        port=port,
        open_browser=open_browser,
        echo=typer.echo,
        tls_cert=tls_cert,
        tls_key=tls_key,
    )
