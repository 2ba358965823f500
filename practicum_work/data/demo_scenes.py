"""Synthetic cat/dog scenes: cluttered textured backgrounds with drawn animals (OpenCV, numpy).

Cats and dogs differ by shape (cats: round head, pointed upright ears, long thin tail,
slim legs; dogs: long snout, floppy hanging ears, short thick tail, sturdy legs), fur
texture (cats mostly striped, dogs mostly spotted or plain) and colour ranges that overlap
partly, so a model can learn the difference but not from one cue alone. Masks are drawn
without anti-aliasing, so their values are exactly 0, 1, 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from practicum_work.core.classes import BACKGROUND, CAT, DOG

# Fur colours (RGB). The ranges overlap on purpose (black, cream, brown-ish tones).
CAT_COLOURS = np.array(
    [[128, 128, 128], [220, 120, 40], [30, 30, 30], [235, 220, 190], [160, 110, 70], [90, 90, 100]]
)
DOG_COLOURS = np.array(
    [[120, 70, 30], [200, 160, 100], [30, 30, 30], [240, 235, 225], [215, 170, 60], [150, 90, 60]]
)


@dataclass(frozen=True)
class AnimalInfo:
    """One drawn animal: class id, pixel count in the final mask, bounding box (x0, y0, x1, y1)."""

    label: int
    pixels: int
    bbox: tuple[int, int, int, int]


@dataclass
class Scene:
    """An RGB image (H, W, 3) uint8, its mask (H, W) uint8, and what was drawn."""

    image: np.ndarray
    mask: np.ndarray
    animals: list[AnimalInfo]


def _low_freq_noise(rng: np.random.Generator, size: int, cells: int) -> np.ndarray:
    grid = rng.random((cells, cells)).astype(np.float32)
    return cv2.resize(grid, (size, size), interpolation=cv2.INTER_CUBIC)


def _background(rng: np.random.Generator, size: int) -> np.ndarray:
    """A gradient plus low-frequency colour noise plus clutter shapes and texture patches."""
    c0, c1 = rng.integers(20, 236, size=(2, 3))
    t = np.linspace(0.0, 1.0, size, dtype=np.float32)
    angle = rng.uniform(0, np.pi)
    ramp = np.clip(
        np.outer(np.ones(size), t) * np.cos(angle) + np.outer(t, np.ones(size)) * np.sin(angle),
        0,
        1,
    )
    image = c0[None, None, :] * (1 - ramp[..., None]) + c1[None, None, :] * ramp[..., None]
    for channel in range(3):
        image[..., channel] += (_low_freq_noise(rng, size, int(rng.integers(3, 9))) - 0.5) * 60
    image = np.clip(image, 0, 255).astype(np.uint8)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    for _ in range(int(rng.integers(4, 12))):
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        kind = rng.integers(0, 5)
        if kind == 0:
            p0 = rng.integers(0, size, 2)
            p1 = p0 + rng.integers(size // 12, size // 3, 2)
            cv2.rectangle(image, tuple(map(int, p0)), tuple(map(int, p1)), colour, -1)
        elif kind == 1:
            centre = tuple(int(v) for v in rng.integers(0, size, 2))
            cv2.circle(image, centre, int(rng.integers(size // 20, size // 6)), colour, -1)
        elif kind == 2:
            p0, p1 = rng.integers(0, size, (2, 2))
            cv2.line(
                image, tuple(map(int, p0)), tuple(map(int, p1)), colour, int(rng.integers(1, 6))
            )
        elif kind == 3:
            points = rng.integers(0, size, (int(rng.integers(3, 7)), 2)).astype(np.int32)
            cv2.fillPoly(image, [points], colour)
        else:  # a striped or dotted patch, so texture alone does not mean "animal"
            patch = np.zeros((size, size), np.uint8)
            centre = tuple(int(v) for v in rng.integers(0, size, 2))
            axes = tuple(int(v) for v in rng.integers(size // 12, size // 5, 2))
            cv2.ellipse(patch, centre, axes, float(rng.uniform(0, 180)), 0, 360, 1, -1)
            theta, freq = rng.uniform(0, np.pi), rng.uniform(0.15, 0.4)
            stripes = np.sin((xx * np.cos(theta) + yy * np.sin(theta)) * freq) > 0.3
            sel = (patch > 0) & stripes
            image[sel] = colour
    return image


def _fur(rng: np.random.Generator, size: int, base: np.ndarray, pattern: str) -> np.ndarray:
    """A fur texture over the whole canvas: base colour with stripes, spots or plain shading."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    shade = 0.85 + 0.3 * _low_freq_noise(rng, size, 4)
    fur = base[None, None, :].astype(np.float32) * shade[..., None]
    if pattern == 'stripes':
        theta = rng.uniform(0, np.pi)
        freq = rng.uniform(0.25, 0.55)
        wobble = 4 * np.sin(yy * 0.07 + rng.uniform(0, 6))
        stripes = np.sin((xx * np.cos(theta) + yy * np.sin(theta) + wobble) * freq)
        fur *= (1.0 - 0.45 * (stripes > 0.2))[..., None]
    elif pattern == 'spots':
        spots = np.zeros((size, size), np.uint8)
        for _ in range(int(rng.integers(6, 18))):
            centre = tuple(int(v) for v in rng.integers(0, size, 2))
            cv2.circle(spots, centre, int(rng.integers(size // 40 + 2, size // 12 + 3)), 1, -1)
        tone = 0.45 if base.mean() > 110 else 1.9
        fur = np.where(spots[..., None] > 0, fur * tone, fur)
    grain = rng.normal(0, 8, (size, size, 1)).astype(np.float32)
    return np.clip(fur + grain, 0, 255).astype(np.uint8)


def _ellipse(canvas: np.ndarray, centre, axes, angle: float) -> None:
    cv2.ellipse(
        canvas,
        (int(centre[0]), int(centre[1])),
        (max(1, int(axes[0])), max(1, int(axes[1]))),
        float(angle),
        0,
        360,
        1,
        -1,
        lineType=cv2.LINE_8,
    )


def _silhouette(rng: np.random.Generator, size: int, label: int, scale: float) -> np.ndarray:
    """A binary silhouette of a cat or dog, body length ``scale * size``, random place and pose."""
    canvas = np.zeros((size, size), np.uint8)
    length = scale * size
    cx, cy = rng.uniform(0.2, 0.8, 2) * size
    facing = 1 if rng.random() < 0.5 else -1
    tilt = rng.uniform(-20, 20)
    if label == CAT:
        body = (length * 0.45, length * 0.22)
        head_r = length * rng.uniform(0.17, 0.21)
    else:
        body = (length * 0.5, length * 0.26)
        head_r = length * rng.uniform(0.16, 0.2)
    _ellipse(canvas, (cx, cy), body, tilt)
    rad = np.deg2rad(tilt)
    along = np.array([np.cos(rad), np.sin(rad)]) * facing
    up = np.array([np.sin(rad), -np.cos(rad)])
    centre = np.array([cx, cy])
    head = centre + along * body[0] * 0.95 + up * body[1] * 0.9
    leg_w = max(1, int(length * (0.035 if label == CAT else 0.06)))
    leg_len = length * (0.28 if label == CAT else 0.25)
    for offset in (-0.6, -0.3, 0.35, 0.65):
        top = centre + along * body[0] * offset + (-up) * body[1] * 0.6
        foot = top + (-up) * leg_len
        cv2.line(canvas, tuple(map(int, top)), tuple(map(int, foot)), 1, leg_w, cv2.LINE_8)
    tail_base = centre - along * body[0] * 0.95
    if label == CAT:  # long thin curved tail
        points = [tail_base]
        direction = -along + up * 0.8
        for _ in range(6):
            direction = direction + up * rng.uniform(-0.2, 0.5)
            points.append(points[-1] + direction / np.linalg.norm(direction) * length * 0.11)
        pts = np.array(points, np.int32).reshape(-1, 1, 2)
        cv2.polylines(canvas, [pts], False, 1, max(1, int(length * 0.04)), cv2.LINE_8)
        _ellipse(canvas, head, (head_r, head_r * 0.92), tilt)
        for side in (-1, 1):  # pointed upright ears
            base_l = head + up * head_r * 0.6 + along * side * head_r * 0.75
            base_r = head + up * head_r * 0.6 + along * side * head_r * 0.05
            tip = head + up * head_r * 1.55 + along * side * head_r * 0.45
            cv2.fillPoly(canvas, [np.array([base_l, base_r, tip], np.int32)], 1, cv2.LINE_8)
    else:  # short thick tail, snout, floppy ears
        tail_tip = tail_base - along * length * 0.18 + up * length * 0.2
        cv2.line(
            canvas,
            tuple(map(int, tail_base)),
            tuple(map(int, tail_tip)),
            1,
            max(1, int(length * 0.07)),
            cv2.LINE_8,
        )
        _ellipse(canvas, head, (head_r, head_r * 0.95), tilt)
        snout = head + along * head_r * 1.0 - up * head_r * 0.25
        _ellipse(canvas, snout, (head_r * 0.75, head_r * 0.42), tilt)
        for side in (-1, 1):
            ear = head + along * side * head_r * 0.8 - up * head_r * 0.1
            _ellipse(canvas, ear, (head_r * 0.3, head_r * 0.75), tilt + 15 * side)
    return canvas


def render_scene(
    rng: np.random.Generator,
    size: int = 256,
    animal_counts: tuple[float, float, float] = (0.06, 0.8, 0.14),
    scale_range: tuple[float, float] = (0.22, 0.6),
) -> Scene:
    """Render one scene; ``animal_counts`` are the probabilities of 0, 1 and 2 animals."""
    image = _background(rng, size)
    mask = np.full((size, size), BACKGROUND, np.uint8)
    n_animals = int(rng.choice(3, p=np.asarray(animal_counts) / np.sum(animal_counts)))
    labels = [int(rng.choice([CAT, DOG])) for _ in range(n_animals)]
    for label in labels:
        scale = rng.uniform(*scale_range)
        silhouette = _silhouette(rng, size, label, scale) > 0
        colours = CAT_COLOURS if label == CAT else DOG_COLOURS
        base = colours[rng.integers(len(colours))] + rng.integers(-25, 26, 3)
        if label == CAT:
            pattern = rng.choice(['stripes', 'plain', 'spots'], p=[0.65, 0.25, 0.1])
        else:
            pattern = rng.choice(['spots', 'plain', 'stripes'], p=[0.5, 0.4, 0.1])
        fur = _fur(rng, size, np.clip(base, 0, 255), str(pattern))
        image[silhouette] = fur[silhouette]
        mask[silhouette] = label
    if n_animals and rng.random() < 0.25:  # an occluder in front of the animals
        occluder = np.zeros((size, size), np.uint8)
        ys, xs = np.nonzero(mask)
        centre = (int(rng.choice(xs)), int(rng.choice(ys)))
        _ellipse(occluder, centre, rng.integers(size // 20, size // 8, 2), rng.uniform(0, 180))
        sel = occluder > 0
        image[sel] = rng.integers(0, 256, 3)
        mask[sel] = BACKGROUND
    image = cv2.GaussianBlur(image, (3, 3), 0.7)
    noise = rng.normal(0, 4, image.shape)
    image = np.clip(image.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    animals = []
    for label in sorted(set(labels)):
        ys, xs = np.nonzero(mask == label)
        if len(xs):
            bbox = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
            animals.append(AnimalInfo(label, len(xs), bbox))
    return Scene(image=image, mask=mask, animals=animals)
