"""``petseg review``: decide every flagged sample in the browser; decisions.json for fix-labels."""

from __future__ import annotations

import argparse

from practicum_work.core.options import add_options, from_args
from practicum_work.review.settings import ReviewSettings as SETTINGS


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``review`` subcommand."""
    parser = subparsers.add_parser(
        'review',
        help='a local web page to decide every flagged sample (accept, keep, swap, drop, relabel)',
        description='Serve a review page on 127.0.0.1 for a fix-labels --dry-run plan folder, an '
        'eda report folder or a label-quality report folder. Each decision is saved at once to '
        'decisions.json in that folder; petseg fix-labels --decisions FILE applies them to the '
        'cleaned copy. The printed URL holds a secret token for this run (as Jupyter does): '
        'only a browser that opened it can see or change the review. Ctrl-C stops the server '
        '(nothing is lost).',
    )
    add_options(parser, SETTINGS)
    parser.set_defaults(func=run)


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    """Load the report, serve the page until Ctrl-C."""
    import signal
    import tempfile
    import webbrowser
    from pathlib import Path

    from practicum_work.core.errors import PetsegError
    from practicum_work.review.access import launcher_page
    from practicum_work.review.server import ReviewApp, make_server
    from practicum_work.review.sources import load_source

    settings = from_args(SETTINGS, args)
    source = load_source(settings.plan)
    app = ReviewApp(source)
    try:
        server = make_server(app, settings.port)
    except OSError as err:
        raise PetsegError(
            f'cannot listen on 127.0.0.1:{settings.port} ({err}); try --port 0'
        ) from None
    url = app.url
    decided = len(app.store.decisions())
    print(
        f'review of {source.folder} ({source.kind}): {len(source.items)} samples, {decided} decided'
    )
    print(f'decisions: {app.store.path}')
    print(f'open {url}  (Ctrl-C stops)', flush=True)
    signal.signal(signal.SIGTERM, _stop)  # `kill` stops it as Ctrl-C does, tidily
    private = None if settings.no_browser else tempfile.TemporaryDirectory(prefix='petseg_review_')
    if private is not None:  # mode 0700: the token stays off the browser's command line
        webbrowser.open(launcher_page(url, Path(private.name)).as_uri())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print(
            '\nstopped; apply the decisions with: petseg fix-labels --data-root '
            f'{source.data_root} --out <copy> --decisions {app.store.path}'
        )
    finally:
        server.server_close()
        if private is not None:
            private.cleanup()
    return 0
