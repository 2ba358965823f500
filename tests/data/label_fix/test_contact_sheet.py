"""Contact sheets: every flagged sample of a normal dataset; a bounded number of a huge one."""

from __future__ import annotations

from practicum_work.data.label_fix.contact_sheet import sheet_items
from practicum_work.data.label_fix.plan import PlanItem


def _item(n: int, decision: str, p_other: float = 0.0) -> PlanItem:
    item = PlanItem('train', f'train_{n:04d}', f'img/train/train_{n:04d}.jpg', None, decision)
    if decision == 'review':
        item.issues = ['species_review']
        item.evidence = {'species': [{'p_other_species': p_other}]}
    return item


def test_every_flagged_sample_gets_a_row_up_to_the_cap():
    items = [_item(n, ('keep', 'fix', 'review', 'drop')[n % 4], 0.6) for n in range(40)]
    assert sheet_items(items, max_rows=30) == [i for i in items if i.flagged]


def test_over_the_cap_rows_go_to_automatic_decisions_then_the_strongest_reviews():
    items = [_item(n, 'review', p_other=n / 100) for n in range(50)]
    items += [_item(50 + n, 'drop') for n in range(5)] + [_item(60, 'keep')]
    chosen = sheet_items(items, max_rows=8)
    assert len(chosen) == 8
    assert [i.stem for i in chosen if i.decision == 'drop'] == [
        f'train_{n:04d}' for n in range(50, 55)
    ]
    assert {i.stem for i in chosen if i.decision == 'review'} == {
        'train_0047',
        'train_0048',
        'train_0049',
    }
    assert chosen == sorted(chosen, key=items.index)  # drawn in plan order
