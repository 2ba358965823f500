"""core.findings: one record, one registry; a kind has one name and one owner."""

from __future__ import annotations

import json

import pytest

from practicum_work.core.findings import (
    ERROR,
    INFO,
    WARNING,
    Check,
    CheckRegistry,
    Finding,
    Kind,
    strongest_action,
)


def _registry_with_example():
    registry = CheckRegistry()

    @registry.register
    class Example(Check):
        name = 'example'
        kinds = (Kind('odd_thing', WARNING, 'something odd', 'relabel'), Kind('fact', INFO, 'x'))
        tools = ('eda', 'fix-labels')

        def on_pair(self, sample, found):
            found.append(self.finding('odd_thing', 'train', sample, 'odd', evidence={'n': 3}))
            return len(sample)

    return registry, Example


def test_a_finding_round_trips_through_json():
    finding = Finding('train', 'a', 'tiny_mask', WARNING, 'small', 'labels/train/a.png',
                      {'foreground_pixels': 12}, 'relabel')  # fmt: skip
    data = json.loads(json.dumps(finding.to_json()))
    assert list(data) == [
        'split', 'stem', 'kind', 'severity', 'message', 'file', 'evidence', 'action',
    ]  # fmt: skip
    assert Finding.from_json({**data, 'overlay': 'x.png'}) == finding


def test_registered_checks_make_findings_with_their_kinds_severity_and_action():
    registry, example = _registry_with_example()
    assert list(registry.kinds()) == ['odd_thing', 'fact']  # as the check declares them
    assert list(registry.kinds('label-quality')) == []
    found = []
    (check,) = registry.instances('eda', 'on_pair')
    assert check.on_pair('stem', found) == 4
    assert found == [
        Finding('train', 'stem', 'odd_thing', WARNING, 'odd', None, {'n': 3}, 'relabel')
    ]
    assert registry.instances('eda', 'on_dataset') == []  # the stage is not implemented
    assert registry.finding('fact', 'val', None, 'm').severity == INFO
    assert registry.check_of('fact') is example


def test_one_name_per_problem_and_declared_values_only():
    registry, _ = _registry_with_example()

    class Copycat(Check):
        name = 'copycat'
        kinds = (Kind('odd_thing', ERROR, 'the same name again'),)

    with pytest.raises(ValueError, match=r"kind 'odd_thing' .* already declared by 'example'"):
        registry.register(Copycat)
    with pytest.raises(ValueError, match='severity'):
        Kind('x', 'fatal', 'no such severity')
    with pytest.raises(ValueError, match='action'):
        Kind('x', ERROR, 'no such action', 'burn')
    with pytest.raises(KeyError, match='declares no kind'):
        registry['example']().finding('fact_typo', 'train', None, 'm')
    with pytest.raises(KeyError, match='known: odd_thing, fact'):
        registry.kind('nothing')


def test_the_strongest_action_wins():
    make = lambda action: Finding('t', 's', 'k', INFO, '', action=action)  # noqa: E731
    assert strongest_action([make('keep'), make('relabel'), make('fix')]) == 'relabel'
    assert strongest_action([make('keep'), make('drop')]) == 'drop'
    assert strongest_action([]) == 'keep'


def test_the_package_registry_has_every_check_and_unique_kinds():
    from practicum_work.data.checks import check_modules, load_checks

    checks = load_checks()
    assert len(checks) == len(check_modules())  # one registered check per module
    names = [kind for check in checks for kind in (k.name for k in check.kinds)]
    assert len(names) == len(set(names)) == len(checks.kinds())
