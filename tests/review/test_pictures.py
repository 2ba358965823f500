"""The pictures of a review item: the photo beside every mask finding, notes never cut."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest

from practicum_work.review.pictures import render
from practicum_work.review.sources import load_source
from tests.review.conftest import COLOUR_MASK, MASK_FINDINGS, NO_IMAGE, TRUNCATED


def _picture(source, item_id: str, kind: str) -> np.ndarray:
    """The picture as the page gets it, decoded (RGB)."""
    data = render(source, source.item(item_id), kind)
    return cv2.cvtColor(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), 4)


def _photo(root, item_id: str, shape: tuple[int, int]) -> np.ndarray:
    split, stem = item_id.split('/')
    photo = cv2.cvtColor(cv2.imread(str(root / 'img' / split / f'{stem}.jpg')), 4)
    return cv2.resize(photo, shape[::-1], interpolation=cv2.INTER_NEAREST)


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    grey = [cv2.cvtColor(x, cv2.COLOR_RGB2GRAY).astype(float).ravel() for x in (a, b)]
    return float(np.corrcoef(*grey)[0, 1])


@pytest.mark.parametrize('item_id', sorted(MASK_FINDINGS))
def test_every_mask_finding_of_an_eda_report_is_shown_on_its_photo(eda_review, item_id):
    root, report = eda_review
    source = load_source(report)
    item = source.item(item_id)
    assert MASK_FINDINGS[item_id] in item.issues
    image = _picture(source, item_id, 'image')
    photo = _photo(root, item_id, image.shape[:2])
    assert image.std() > 10, 'a flat tile instead of the photo'
    assert np.abs(image.astype(int) - photo).mean() < 8  # the photo itself
    for kind in ('given', 'proposed'):
        picture = _picture(source, item_id, kind)
        assert picture.shape == image.shape
        # below the note band, the mask is drawn over (or the tile dims) the same photo
        assert _correlation(picture[len(picture) // 3 :], image[len(image) // 3 :]) > 0.5, kind


def test_a_colour_coded_mask_is_shown_in_its_colours_over_the_photo(eda_review):
    root, report = eda_review
    source = load_source(report)
    image, given = (_picture(source, COLOUR_MASK, kind) for kind in ('image', 'given'))
    split, stem = COLOUR_MASK.split('/')
    painted = cv2.imread(str(root / 'labels' / split / f'{stem}.png'))[..., 2] > 0
    painted = cv2.resize(painted.astype(np.uint8), image.shape[1::-1], cv2.INTER_NEAREST) > 0
    painted = cv2.erode(painted.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    redder = given[..., 0].astype(int) - given[..., 1] - (image[..., 0].astype(int) - image[..., 1])
    assert np.median(redder[painted]) > 40  # the pet shows the mask's red
    assert np.median(np.abs(redder[~painted][len(redder) // 3 :])) < 10  # the rest is the photo


def test_a_mask_without_its_image_says_so_and_still_shows_the_mask(eda_review):
    _, report = eda_review
    source = load_source(report)
    given = _picture(source, NO_IMAGE, 'given')
    assert given[len(given) // 3 :].std() > 10  # the mask's colours, not an empty tile


def _note_pixels(picture: np.ndarray) -> np.ndarray:
    """Where the red note text is (the photo under a note is dimmed to a third)."""
    red, green, blue = (picture[..., c].astype(int) for c in range(3))
    return (red > 180) & (green < 150) & (blue < 150)


def test_the_note_of_a_dropped_sample_is_never_cut(eda_review):
    _, report = eda_review
    source = load_source(report)
    dropped = [i.id for i in source.items if i.suggestion == 'drop' and i.image]
    assert dropped
    for item_id in dropped:
        picture = _picture(source, item_id, 'proposed')
        text = _note_pixels(picture)
        columns = np.flatnonzero(text.any(axis=0))
        assert columns.size, f'{item_id}: no note'
        margin = picture.shape[1] // 25  # clear of both edges: nothing runs off the picture
        assert margin < columns[0] and columns[-1] < picture.shape[1] - margin, item_id


def test_a_long_note_breaks_into_lines_inside_a_narrow_picture():
    from practicum_work.review.pictures import add_note

    def text_rows_and_columns(text: str) -> tuple[np.ndarray, np.ndarray]:
        picture = np.zeros((384, 120, 3), np.uint8)
        add_note(picture, text, (255, 90, 90))
        found = _note_pixels(picture)
        return np.flatnonzero(found.any(axis=1)), np.flatnonzero(found.any(axis=0))

    one_line, _ = text_rows_and_columns('dropped')
    rows, columns = text_rows_and_columns('dropped from the copy because the mask is unreadable')
    assert columns[0] > 0 and columns[-1] < 120 - 1
    assert rows[-1] - rows[0] > 2 * (one_line[-1] - one_line[0])  # three lines or more


def test_a_truncated_photo_shows_as_far_as_it_decodes_under_concurrent_requests(
    eda_review, monkeypatch
):
    # the page asks for three pictures at once; a partial decode (PIL, lenient for the time
    # of one call) must not be made strict by another request finishing meanwhile
    import time

    from PIL import Image

    _, report = eda_review
    source = load_source(report)
    item = source.item(TRUNCATED)
    alone = render(source, item, 'image')
    opened = Image.open

    def slow_open(*args, **kwargs):  # widen the window in which two requests overlap
        time.sleep(0.005)
        return opened(*args, **kwargs)

    monkeypatch.setattr(Image, 'open', slow_open)
    with ThreadPoolExecutor(4) as pool:
        pictures = set(pool.map(lambda _: render(source, item, 'image'), range(40)))
    assert pictures == {alone}
