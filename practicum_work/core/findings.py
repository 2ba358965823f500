"""One record for every finding about a sample, and the registry of the checks that make them.

A :class:`Finding` (split, stem, kind, severity, message, evidence, proposed action, and the
file it names) is what eda, fix-labels and label-quality report and what ``petseg review``
shows. Each kind of finding has one name, one severity and one rule, declared by the one
registered :class:`Check` that produces it::

    @CHECKS.register
    class TinyMask(Check):
        name = 'foreground'
        kinds = (Kind('tiny_mask', WARNING, 'fewer cat/dog pixels than ...', action='relabel'),)

        def on_pair(self, sample, found):
            found.append(self.finding('tiny_mask', sample.split, sample.stem, '...'))

A check implements the stages it needs: :meth:`Check.on_layout` (per split, from the file
listing, before anything is read), :meth:`Check.on_pair` (per image/mask pair, in a worker
process, on the pair decoded once; it may return a small measure) and
:meth:`Check.on_dataset` (once, after every pair, with the measures: duplicates, thresholds
learned from the dataset). Checks whose evidence comes from a model (fix-labels' species
classifier, label-quality's fold models) declare their kinds only; the tool emits them.

The checks live one per module in :mod:`practicum_work.data.checks` (``load_checks()`` imports
them all), so adding a check is adding a file; reports, the review page and the docs table are
made from :data:`CHECKS`. Why not ``mmengine.Registry``: nothing here is built from a config
dict (its purpose, with scopes and ``build``); what is needed is per-kind metadata and an
order that does not depend on imports, and this module must stay standard-library only (the
review server, the CLI's ``--help`` and every worker import it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

ERROR, WARNING, INFO = 'error', 'warning', 'info'
SEVERITIES: tuple[str, ...] = (ERROR, WARNING, INFO)

# What a finding proposes, strongest first (review maps them to its decisions): leave the
# sample out, have a person relabel it, exchange cat and dog, use a proposed mask, fix the
# file's format in the copy, convert the dataset's masks, look at it, or nothing.
DROP, RELABEL, SWAP, USE_PROPOSAL = 'drop', 'relabel', 'swap', 'use_proposal'
FIX, CONVERT, REVIEW, KEEP = 'fix', 'convert', 'review', 'keep'
ACTIONS: tuple[str, ...] = (DROP, RELABEL, SWAP, USE_PROPOSAL, FIX, CONVERT, REVIEW, KEEP)

TOOLS: tuple[str, ...] = ('eda', 'fix-labels', 'label-quality')


@dataclass(frozen=True)
class Kind:
    """One kind of finding: its name, severity, what it means, the action it proposes and,
    when it is not its check's, its rule (the threshold, for the docs)."""

    name: str
    severity: str
    meaning: str
    action: str = KEEP
    rule: str = ''

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f'kind {self.name!r}: severity {self.severity!r} not in {SEVERITIES}')
        if self.action not in ACTIONS:
            raise ValueError(f'kind {self.name!r}: action {self.action!r} not in {ACTIONS}')


@dataclass
class Finding:
    """One finding about a sample (``stem`` None: about a whole split or the dataset).

    ``file`` is the file it names, relative to the data root; ``evidence`` holds the figures
    behind it (JSON values); ``action`` is what the tool that found it proposes.
    """

    split: str
    stem: str | None
    kind: str
    severity: str
    message: str
    file: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    action: str = KEEP

    def to_json(self) -> dict[str, Any]:
        """The finding as plain JSON data (the same keys in every report)."""
        return {
            'split': self.split,
            'stem': self.stem,
            'kind': self.kind,
            'severity': self.severity,
            'message': self.message,
            'file': self.file,
            'evidence': dict(self.evidence),
            'action': self.action,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        """A finding read back from a report (keys it does not know are ignored)."""
        return cls(
            split=data['split'],
            stem=data.get('stem'),
            kind=data['kind'],
            severity=data['severity'],
            message=data.get('message', ''),
            file=data.get('file'),
            evidence=dict(data.get('evidence') or {}),
            action=data.get('action', KEEP),
        )


def severity_rank(severity: str) -> int:
    """0 for error, 1 for warning, 2 for info (for sorting, worst first)."""
    return SEVERITIES.index(severity)


def strongest_action(findings: Iterable[Finding]) -> str:
    """The strongest proposed action of ``findings`` (``keep`` when there are none)."""
    actions = [f.action for f in findings]
    return min(actions, key=ACTIONS.index) if actions else KEEP


class Check:
    """A registered check: the kinds it produces, where it runs and its rule in words.

    Subclasses set ``name``, ``kinds``, ``tools`` (the commands that run it) and ``rule``
    (the threshold, for the docs; a kind may state its own), and implement the stages they
    need (see the module doc).
    Instances hold no state between calls to ``on_pair`` (they run in worker processes).
    """

    name: ClassVar[str]
    kinds: ClassVar[tuple[Kind, ...]]
    tools: ClassVar[tuple[str, ...]] = ('eda',)
    rule: ClassVar[str] = ''
    # True: it judges what the labels say, so fix-labels runs it on the mask as the cleaned
    # copy would hold it (after its format fixes: stray values replaced, size fixed)
    judges_labels: ClassVar[bool] = False

    def kind(self, name: str) -> Kind:
        """The declared kind called ``name``."""
        for kind in self.kinds:
            if kind.name == name:
                return kind
        raise KeyError(f'check {self.name!r} declares no kind {name!r}')

    def finding(
        self,
        kind: str,
        split: str,
        stem: str | None,
        message: str,
        *,
        file: str | None = None,
        evidence: dict[str, Any] | None = None,
        action: str | None = None,
    ) -> Finding:
        """A finding of one of this check's kinds (severity and default action from it)."""
        declared = self.kind(kind)
        chosen = declared.action if action is None else action
        if chosen not in ACTIONS:
            raise ValueError(f'action {chosen!r} not in {ACTIONS}')
        return Finding(
            split, stem, kind, declared.severity, message, file, dict(evidence or {}), chosen
        )

    def on_layout(self, listing: Any, found: list[Finding]) -> None:
        """Per split, from the listing of its files (nothing read yet)."""

    def on_pair(self, sample: Any, found: list[Finding]) -> Any:
        """Per pair, in a worker, on the decoded files; may return a small picklable measure."""

    def on_dataset(self, scan: Any, found: list[Finding]) -> None:
        """Once, after every pair, with the scan (its statistics and the pairs' measures)."""


STAGES: tuple[str, ...] = ('on_layout', 'on_pair', 'on_dataset')


class CheckRegistry:
    """The registered checks (iterated by name); kind names are unique across checks."""

    def __init__(self) -> None:
        self._checks: dict[str, type[Check]] = {}
        self._kinds: dict[str, tuple[Kind, type[Check]]] = {}
        self._loader: Callable[[], object] | None = None

    def set_loader(self, loader: Callable[[], object]) -> None:
        """``loader()`` registers every check (``data.checks.load_checks``); it runs once,
        before the registry is first read, so no reader sees only the checks imported so far."""
        self._loader = loader

    def _load(self) -> None:
        loader, self._loader = self._loader, None
        if loader is not None:
            loader()

    def register(self, check: type[Check]) -> type[Check]:
        """Class decorator: add ``check``; a second check or kind of the same name is refused."""
        if check.name in self._checks and self._checks[check.name] is not check:
            raise ValueError(f'a check named {check.name!r} is already registered')
        unknown = set(check.tools) - set(TOOLS)
        if unknown:
            raise ValueError(f'check {check.name!r}: unknown tools {sorted(unknown)}')
        for kind in check.kinds:
            owner = self._kinds.get(kind.name)
            if owner is not None and owner[1] is not check:
                raise ValueError(
                    f'kind {kind.name!r} of check {check.name!r} is already declared by '
                    f'{owner[1].name!r}: one name per problem'
                )
        self._checks[check.name] = check
        for kind in check.kinds:
            self._kinds[kind.name] = (kind, check)
        return check

    def __iter__(self) -> Iterator[type[Check]]:
        """The checks by name (not import order: reports and docs come out the same)."""
        self._load()
        return iter(sorted(self._checks.values(), key=lambda check: check.name))

    def __len__(self) -> int:
        self._load()
        return len(self._checks)

    def __getitem__(self, name: str) -> type[Check]:
        self._load()
        return self._checks[name]

    def kinds(self, tool: str | None = None) -> dict[str, Kind]:
        """Every declared kind (of the checks ``tool`` runs), by check name, then as declared."""
        return {
            kind.name: kind
            for check in self
            for kind in check.kinds
            if tool is None or tool in check.tools
        }

    def kind(self, name: str) -> Kind:
        """The kind called ``name`` (KeyError naming the known kinds otherwise)."""
        self._load()
        if name not in self._kinds:
            raise KeyError(f'no check declares the kind {name!r}; known: {", ".join(self._kinds)}')
        return self._kinds[name][0]

    def check_of(self, kind: str) -> type[Check]:
        """The check that declares ``kind``."""
        self.kind(kind)
        return self._kinds[kind][1]

    def finding(self, kind: str, split: str, stem: str | None, message: str, **extra) -> Finding:
        """A finding of ``kind`` made by its check (see :meth:`Check.finding`)."""
        return self.check_of(kind)().finding(kind, split, stem, message, **extra)

    def instances(self, tool: str, stage: str) -> list[Check]:
        """New instances of the checks ``tool`` runs that implement ``stage``."""
        if stage not in STAGES:
            raise ValueError(f'stage {stage!r} not in {STAGES}')
        return [
            check()
            for check in self
            if tool in check.tools and getattr(check, stage) is not getattr(Check, stage)
        ]


CHECKS = CheckRegistry()
