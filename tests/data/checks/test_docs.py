"""docs/eda.md's tables of checks and options are the registry's and the settings' own."""

from __future__ import annotations

from practicum_work.core.findings import CHECKS, INFO, Check, CheckRegistry, Kind
from practicum_work.data.checks import docs, load_checks


def test_the_docs_tables_are_current(capsys):
    assert docs.main(['--check']) == 0, capsys.readouterr().err


def test_every_registered_kind_is_a_row_and_a_new_check_makes_the_page_stale(monkeypatch):
    text = (docs.DOCS / 'eda.md').read_text(encoding='utf-8')
    table = docs.checks_markdown()
    for kind in load_checks().kinds():
        assert f'| `{kind}` |' in table
    assert table in text

    class Extra(Check):
        name = 'extra'
        kinds = (Kind('extra_kind', INFO, 'added after the docs were written'),)

    registry = CheckRegistry()
    for check in [*CHECKS, Extra]:
        registry.register(check)
    monkeypatch.setattr(docs, 'load_checks', lambda: registry)
    assert docs.render(text) != text and '`extra_kind`' in docs.render(text)
