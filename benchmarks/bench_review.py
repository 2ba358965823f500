"""How long the review page makes a person wait: 50 keyboard decisions in headless Chromium.

A dataset of demo scenes with the default injected noise (or the converted real sample with
``--oxford``) goes through ``fix-labels --dry-run``; ``petseg review``'s server serves the
plan and Selenium drives Debian's Chromium at 1280x800. For each decision the clock runs
from the key press until the saved decision is counted on the page and the next sample's
three pictures have loaded (what a person waits for before judging the next one). The
reference is the floor of the same loop: the time to load the page's three pictures of a
sample by plain HTTP requests, with no page at all. Human judging time comes on top.

    .venv/bin/python benchmarks/bench_review.py [--decisions 50] [--oxford PATH]

Target: p95 wait per decision <= 0.25 s. Writes work_dirs/benchmarks/review.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

TARGET_P95_S = 0.25
KEYS = 'aksdr'


def make_plan(work: Path, oxford: str | None) -> Path:
    """A fix-labels --dry-run plan folder on noisy demo scenes or on the converted real sample."""
    from practicum_work.data.label_fix.run import FixLabelsSettings, run_fix_labels

    if oxford:
        from practicum_work.data.inject_noise import inject_noise
        from practicum_work.data.oxford_pet import convert_oxford_pet

        clean = work / 'oxford'
        convert_oxford_pet(oxford, clean, show_progress=False)
        root = work / 'oxford_noisy'
        inject_noise(clean, root, seed=0, show_progress=False)
    else:
        from practicum_work.data.demo_data import generate_demo_dataset

        root = work / 'pets_demo'
        generate_demo_dataset(root, seed=0, noise='default', show_progress=False)
    plan = work / 'plan'
    settings = FixLabelsSettings(
        data_root=root, dry_run=True, plan_dir=plan, classifier='self', show_progress=False
    )
    run_fix_labels(settings, log=lambda _: None)
    return plan


def floor_per_sample(url: str, token: str, items: list[dict]) -> float:
    """Median time to fetch one sample's three pictures by plain HTTP, one after another."""
    times = []
    for item in items:
        started = time.perf_counter()
        for kind in ('image', 'given', 'proposed'):
            picture = f'{url}picture/{kind}/{item["split"]}/{item["stem"]}'
            request = urllib.request.Request(picture, headers={'X-Petseg-Token': token})
            with urllib.request.urlopen(request) as r:
                r.read()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


PICTURES_LOADED = """
const ids = ['pic-image', 'pic-given', 'pic-proposed'];
return ids.every((id) => { const img = document.getElementById(id);
  return img.complete && img.naturalWidth > 0 && img.src.includes(arguments[0]); });
"""


def _browser_helpers():
    """tests/review/browser.py (by path: a ``tests`` package of another project may shadow ours)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location('browser', REPO / 'tests/review/browser.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def drive(url: str, decisions: int) -> list[float]:
    """Seconds per decision, key press to the next sample ready to judge."""
    from selenium.webdriver.common.action_chains import ActionChains

    browser = _browser_helpers()
    chromium, wait_for = browser.chromium, browser.wait_for
    driver = chromium()
    try:
        driver.get(url)
        wait_for(lambda: driver.execute_script('return document.body.dataset.ready'), 20)
        waits = []
        for n in range(decisions):
            count = int(driver.find_element('id', 'progress-text').text.split()[0])
            started = time.perf_counter()
            ActionChains(driver).send_keys(KEYS[n % len(KEYS)]).perform()

            def ready(c=count):
                text = driver.find_element('id', 'progress-text').text
                if int(text.split()[0]) != c + 1:
                    return False
                stem = driver.find_element('id', 'item-id').text.split('/')[-1]
                return driver.execute_script(PICTURES_LOADED, f'/{stem}')

            wait_for(ready, 20, f'decision {n + 1}')
            waits.append(time.perf_counter() - started)
        return waits
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--decisions', type=int, default=50)
    parser.add_argument('--oxford', help='the Oxford-IIIT Pet archive layout (real photos)')
    parser.add_argument('--out', default=str(REPO / 'work_dirs/benchmarks/review.json'))
    args = parser.parse_args()
    from practicum_work.review.server import ReviewApp, make_server
    from practicum_work.review.sources import load_source

    with tempfile.TemporaryDirectory() as tmp:
        plan = make_plan(Path(tmp), args.oxford)
        app = ReviewApp(load_source(plan))
        items = [item.to_json() for item in app.source.items]
        if len(items) < args.decisions:
            raise SystemExit(f'only {len(items)} flagged samples; --decisions {len(items)} at most')
        httpd = make_server(app, 0)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        url = f'http://127.0.0.1:{httpd.server_address[1]}/'
        floor = floor_per_sample(url, app.token, items[: args.decisions])
        waits = drive(app.url, args.decisions)  # the printed URL, with the run's token
        saved = json.loads(app.store.path.read_text())['decisions']
        httpd.shutdown()
    waits_sorted = sorted(waits)
    p95 = waits_sorted[max(0, round(0.95 * len(waits)) - 1)]
    result = dict(
        command=' '.join([Path(sys.executable).name, *sys.argv]),
        data='oxford sample + default noise' if args.oxford else 'demo scenes + default noise',
        flagged_samples=len(items),
        decisions=args.decisions,
        decisions_saved=len(saved),
        total_wait_s=round(sum(waits), 2),
        median_wait_s=round(statistics.median(waits), 4),
        p95_wait_s=round(p95, 4),
        max_wait_s=round(max(waits), 4),
        floor_three_pictures_s=round(floor, 4),
        cpu_count=os.cpu_count(),
        load_average_at_end=os.getloadavg(),
        targets=[
            dict(
                target=f'p95 wait per decision <= {TARGET_P95_S} s',
                value=round(p95, 4),
                ok=p95 <= TARGET_P95_S,
            ),
            dict(
                target=f'every decision saved ({args.decisions})',
                value=len(saved),
                ok=len(saved) == args.decisions,
            ),
        ],
    )
    print(
        f'{args.decisions} decisions ({result["data"]}, {len(items)} flagged): page wait '
        f'{result["total_wait_s"]:.1f} s in all, median {result["median_wait_s"] * 1000:.0f} ms, '
        f'p95 {p95 * 1000:.0f} ms, max {result["max_wait_s"] * 1000:.0f} ms; floor (3 pictures '
        f'by plain HTTP) {floor * 1000:.0f} ms; saved {len(saved)}'
    )
    for target in result['targets']:
        print(f'  {"PASS" if target["ok"] else "FAIL"}  {target["target"]}: {target["value"]}')
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
