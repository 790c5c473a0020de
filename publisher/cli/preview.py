"""`publisher preview`: the site on this machine, built again as its files change."""

from __future__ import annotations

from typing import Annotated

import typer

from publisher.cli import params
from publisher.errors import UsageError
from publisher.publishing.site_folder import normalise_base_url

app = typer.Typer()


@app.command()
def preview(
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on (0: any free port)")
    ] = 8000,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="The site's public address, as `publisher site` takes it (feeds, sitemap, "
            "canonical links; its pages then come from the same cache)",
        ),
    ] = None,
    jobs: params.JobsOpt = None,
) -> None:
    """Serve the site on this machine and rebuild it whenever a file changes.

    Builds the site as `publisher site` would (approved languages only, embargoes kept)
    into the cache, serves it at http://127.0.0.1:PORT/, then watches the workspace: an
    edited translation, release or template is built again by a renderer that stays
    loaded, and the pages open in the browser reload themselves.
    """
    if not 0 <= port <= 65535:
        raise UsageError("--port must be between 0 and 65535")
    ws = params.workspace()
    normalise_base_url(base_url)  # a wrong address is said now, not at every build
    # Imported here: the web stack and the renderer are needed only when the server runs.
    from publisher.web.site_preview import run_preview

    run_preview(ws.root, port=port, jobs=params.jobs(jobs), base_url=base_url, echo=typer.echo)
