"""Reading a file once: truncation that OpenCV misses, headers, modes, unreadable files."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from practicum_work.core.image_io import (
    TRUNCATED,
    UNREADABLE,
    jpeg_header,
    png_header,
    read_image,
    read_mask,
)


def _jpeg(path, size=(40, 48)):
    rng = np.random.default_rng(0)
    cv2.imwrite(str(path), rng.integers(0, 256, (*size, 3), dtype=np.uint8))
    return path


def test_truncated_jpeg_is_found_although_opencv_decodes_it(tmp_path):
    data = _jpeg(tmp_path / 'a.jpg').read_bytes()
    (tmp_path / 'cut.jpg').write_bytes(data[: len(data) * 2 // 3])
    assert cv2.imread(str(tmp_path / 'cut.jpg')) is not None  # the trap: a partial decode
    decoded = read_image(tmp_path / 'cut.jpg')
    assert decoded.problem == TRUNCATED and decoded.pixels is None
    assert decoded.size == (48, 40) and 'end-of-image' in decoded.message


def test_trailing_bytes_after_the_end_marker_are_not_truncation(tmp_path):
    data = _jpeg(tmp_path / 'a.jpg').read_bytes()
    (tmp_path / 'b.jpg').write_bytes(data + b'extra data appended by a camera')
    (tmp_path / 'c.jpg').write_bytes(data + b'\x00' * 16)
    for name in ('a.jpg', 'b.jpg', 'c.jpg'):
        decoded = read_image(tmp_path / name)
        assert decoded.problem is None and decoded.mode == 'RGB', name
    assert (
        read_image(tmp_path / 'a.jpg').content_hash == read_image(tmp_path / 'a.jpg').content_hash
    )
    assert (
        read_image(tmp_path / 'a.jpg').content_hash != read_image(tmp_path / 'b.jpg').content_hash
    )


def test_truncated_png_zero_byte_and_text_files_are_unreadable_or_truncated(tmp_path):
    mask = np.zeros((64, 64), np.uint8)
    mask[10:50, 5:60] = 2
    cv2.imwrite(str(tmp_path / 'm.png'), mask)
    data = (tmp_path / 'm.png').read_bytes()
    (tmp_path / 'cut.png').write_bytes(data[: len(data) // 2])
    (tmp_path / 'zero.png').write_bytes(b'')
    (tmp_path / 'text.png').write_text('not an image at all')
    assert read_mask(tmp_path / 'cut.png').problem in (TRUNCATED, UNREADABLE)
    assert read_mask(tmp_path / 'zero.png').message == 'zero-byte file'
    text = read_image(tmp_path / 'text.png')
    assert text.problem == UNREADABLE and 'not a JPEG or PNG' in text.message
    assert read_mask(tmp_path / 'missing.png').problem == UNREADABLE


def test_png_header_and_mask_modes_keep_the_stored_values(tmp_path):
    labels = np.array([[0, 1], [2, 255]], np.uint8)
    Image.fromarray(labels).save(tmp_path / 'l.png')
    palette = Image.frombytes('P', (2, 2), labels.tobytes())
    palette.putpalette([0, 0, 0, 255, 140, 0, 30, 144, 255] + [9] * 759)
    palette.save(tmp_path / 'p.png')
    Image.fromarray(np.dstack([labels] * 3)).save(tmp_path / 'rgb.png')
    cv2.imwrite(str(tmp_path / 'i16.png'), labels.astype(np.uint16) * 100)
    expected = {'l.png': 'L', 'p.png': 'P', 'rgb.png': 'RGB', 'i16.png': 'I;16'}
    for name, mode in expected.items():
        data = (tmp_path / name).read_bytes()
        assert png_header(data)[2] == mode, name
        decoded = read_mask(tmp_path / name)
        assert decoded.problem is None and decoded.size == (2, 2)
        assert decoded.mode.startswith(mode[:3]), (name, decoded.mode)
    assert np.array_equal(read_mask(tmp_path / 'p.png').pixels, labels)  # indices, not colours
    assert read_mask(tmp_path / 'i16.png').pixels.max() == 25500
    assert read_mask(tmp_path / 'rgb.png').pixels.shape == (2, 2, 3)


def test_image_modes_from_the_decoded_array(tmp_path):
    rng = np.random.default_rng(1)
    cv2.imwrite(str(tmp_path / 'g.jpg'), rng.integers(0, 256, (8, 8), dtype=np.uint8))
    cv2.imwrite(str(tmp_path / 'a.png'), rng.integers(0, 256, (8, 8, 4), dtype=np.uint8))
    cv2.imwrite(str(tmp_path / 'w.png'), rng.integers(0, 65535, (8, 8, 3), dtype=np.uint16))
    assert read_image(tmp_path / 'g.jpg').mode == 'L'
    assert read_image(tmp_path / 'a.png').mode == 'RGBA'
    assert read_image(tmp_path / 'w.png').mode == 'RGB;16'


def test_jpeg_frame_header_gives_the_exact_size_and_channels(tmp_path):
    data = _jpeg(tmp_path / 'odd.jpg', size=(37, 53)).read_bytes()
    assert jpeg_header(data) == (53, 37, 3)
    decoded = read_image(tmp_path / 'odd.jpg')
    assert decoded.size == (53, 37) and decoded.mode == 'RGB'  # not the 1/8-scale decode size
    exif = data[:2] + b'\xff\xe1\x00\x10' + b'Exif\x00\x00' + b'\x00' * 8 + data[2:]
    assert jpeg_header(exif) == (53, 37, 3)  # segments before the frame header are skipped


def test_damaged_entropy_tables_are_unreadable_as_in_a_full_decode(tmp_path):
    data = bytearray(_jpeg(tmp_path / 'a.jpg').read_bytes())
    table = data.find(b'\xff\xc4')  # first Huffman table: make its code counts impossible
    data[table + 5 : table + 21] = b'\xff' * 16
    (tmp_path / 'bad.jpg').write_bytes(bytes(data))
    assert cv2.imread(str(tmp_path / 'bad.jpg')) is None  # a full decode fails too
    decoded = read_image(tmp_path / 'bad.jpg')
    assert decoded.problem == UNREADABLE and 'cannot be decoded' in decoded.message
