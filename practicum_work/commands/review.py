"""``petseg review``: decide every flagged sample in the browser; decisions.json for fix-labels."""

from __future__ import annotations

import argparse
import webbrowser


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``review`` subcommand."""
    parser = subparsers.add_parser(
        'review',
        help='a local web page to decide every flagged sample (accept, keep, swap, drop, relabel)',
        description='Serve a review page on 127.0.0.1 for a fix-labels --dry-run plan folder, an '
        'eda report folder or a label-quality report folder. Each decision is saved at once to '
        'decisions.json in that folder; petseg fix-labels --decisions FILE applies them to the '
        'cleaned copy. Ctrl-C stops the server (nothing is lost).',
    )
    parser.add_argument(
        '--plan',
        required=True,
        metavar='FOLDER',
        help='work_dirs/label_fix/<name> (plan.json), an eda folder (report.json) or a '
        'label-quality folder (report/scores.json)',
    )
    parser.add_argument('--port', type=int, default=8765, help='0 picks a free port')
    parser.add_argument('--no-browser', action='store_true', help='print the URL only')
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load the report, serve the page until Ctrl-C."""
    from practicum_work.core.errors import PetsegError
    from practicum_work.review.server import ReviewApp, make_server
    from practicum_work.review.sources import load_source

    source = load_source(args.plan)
    app = ReviewApp(source)
    try:
        server = make_server(app, args.port)
    except OSError as err:
        raise PetsegError(f'cannot listen on 127.0.0.1:{args.port} ({err}); try --port 0') from None
    url = f'http://127.0.0.1:{server.server_address[1]}/'
    decided = len(app.store.decisions())
    print(
        f'review of {source.folder} ({source.kind}): {len(source.items)} samples, {decided} decided'
    )
    print(f'decisions: {app.store.path}')
    print(f'open {url}  (Ctrl-C stops)', flush=True)
    if not args.no_browser:
        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print(
            '\nstopped; apply the decisions with: petseg fix-labels --data-root '
            f'{source.data_root} --out <copy> --decisions {app.store.path}'
        )
    finally:
        server.server_close()
    return 0
