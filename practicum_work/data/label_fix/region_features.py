"""Shape and fur descriptors of one species region, for the ``self`` classifier.

Every descriptor is invariant to where the animal is and how large it is (the silhouette is
rescaled so that its thickest part has a fixed half-width), and mostly to its pose:

- thickness spectrum (granulometry): the share of the silhouette that survives a morphological
  opening with discs of growing radius; thin legs and tails vanish early, sturdy ones late;
- contour integral invariants: for every boundary pixel, the share of a disc around it that
  lies inside the silhouette, at four radii, histogrammed over the whole boundary and over its
  upward-, downward- and sideways-facing parts (a pointed ear is a low share at every radius;
  a rounded snout or head about one half; a thin leg or tail end low only at larger radii);
- convexity and extent: solidity, boundary length, the deepest convexity defects, how far the
  silhouette reaches above and below its centroid;
- fur: orientation coherence of the grey-level gradients (stripes), blob responses (spots),
  grey and colour statistics inside the eroded silhouette;
- colour: CIELAB mean, spread and quantiles of the fur, and a saturation-weighted hue histogram.

The appearance of the region (its visual words) comes from :mod:`.visual_words`, which needs
a vocabulary learned on the dataset first.
"""

from __future__ import annotations

import cv2
import numpy as np

NORM_HALF_WIDTH = 20.0  # pixels, the inscribed radius of a normalised silhouette
OPENING_RADII = (1, 2, 3, 4, 5, 6, 8, 10, 12, 14)
INVARIANT_RADII = (4, 8, 14, 24)
INVARIANT_BINS = np.array([0.0, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 1.01])
N_DEFECTS = 6
HUE_BINS = 12


def _disc(radius: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def normalised_silhouette(selection: np.ndarray) -> np.ndarray:
    """The region's silhouette (uint8 0/1) cropped, rescaled to a fixed inscribed radius, padded."""
    x, y, w, h = cv2.boundingRect(selection.astype(np.uint8))
    sil = np.pad(selection[y : y + h, x : x + w].astype(np.uint8), 2)
    half_width = float(cv2.distanceTransform(sil, cv2.DIST_L2, 5).max())
    scale = NORM_HALF_WIDTH / max(half_width, 1.0)
    resized = cv2.resize(sil * 255, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
    return np.pad((resized > 127).astype(np.uint8), max(INVARIANT_RADII) + 2)


def shape_features(sil: np.ndarray) -> list[float]:
    """Thickness spectrum, integral-invariant histograms and convexity of a silhouette."""
    area = max(int(sil.sum()), 1)
    features = [
        float(cv2.morphologyEx(sil, cv2.MORPH_OPEN, _disc(r)).sum()) / area for r in OPENING_RADII
    ]
    contours, _ = cv2.findContours(sil, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    contour = max(contours, key=cv2.contourArea)
    hull = cv2.convexHull(contour)
    features.append(area / NORM_HALF_WIDTH**2 / 20)
    features.append(area / max(cv2.contourArea(hull), 1.0))
    features.append(cv2.arcLength(contour, True) / np.sqrt(area) / 10)
    depths = np.zeros(0)
    if len(contour) > 3:
        try:
            defects = cv2.convexityDefects(contour, cv2.convexHull(contour, returnPoints=False))
        except cv2.error:  # a self-touching contour
            defects = None
        if defects is not None:
            depths = np.sort(defects.reshape(-1, 4)[:, 3] / 256.0 / NORM_HALF_WIDTH)[::-1]
    features += list(np.pad(depths, (0, N_DEFECTS))[:N_DEFECTS])
    silf = sil.astype(np.float32)
    boundary = (sil > 0) & (cv2.erode(sil, np.ones((3, 3), np.uint8)) == 0)
    smooth = cv2.GaussianBlur(silf, (0, 0), 2.0)
    gy, gx = cv2.Sobel(smooth, cv2.CV_32F, 0, 1), cv2.Sobel(smooth, cv2.CV_32F, 1, 0)
    norm = np.hypot(gx, gy) + 1e-6
    # The gradient points into the silhouette: inside below = an upward-facing boundary.
    facing = (
        boundary,
        boundary & (gy / norm > 0.5),
        boundary & (gy / norm < -0.5),
        boundary & (np.abs(gx / norm) > 0.7),
    )
    n_boundary = max(int(boundary.sum()), 1)
    for radius in INVARIANT_RADII:
        disc = _disc(radius).astype(np.float32)
        inside = cv2.filter2D(silf, -1, disc / disc.sum(), borderType=cv2.BORDER_CONSTANT)
        for where in facing:
            histogram = np.histogram(inside[where], INVARIANT_BINS)[0]
            features += list(histogram / n_boundary * 5)
    ys, xs = np.nonzero(sil)
    scale = 5 * NORM_HALF_WIDTH
    features += [
        (ys.mean() - ys.min()) / scale,
        (ys.max() - ys.mean()) / scale,
        (xs.max() - xs.min()) / scale / 2,
        (ys.max() - ys.min()) / scale / 2,
    ]
    return features


def fur_features(image: np.ndarray, selection: np.ndarray) -> list[float]:
    """Stripe, spot, grey and colour statistics of the region's pixels (RGB uint8 image)."""
    x, y, w, h = cv2.boundingRect(selection.astype(np.uint8))
    rgb = np.ascontiguousarray(image[y : y + h, x : x + w])
    sil = selection[y : y + h, x : x + w].astype(np.uint8)
    inner = cv2.erode(sil, np.ones((5, 5), np.uint8)).astype(bool)
    if inner.sum() < 20:
        inner = sil.astype(bool)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    gx, gy = cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1)
    features = []
    for sigma in (2.0, 4.0):
        jxx = cv2.GaussianBlur(gx * gx, (0, 0), sigma)
        jyy = cv2.GaussianBlur(gy * gy, (0, 0), sigma)
        jxy = cv2.GaussianBlur(gx * gy, (0, 0), sigma)
        coherence = np.sqrt((jxx - jyy) ** 2 + 4 * jxy**2) / (jxx + jyy + 1e-3)
        features.append(float(coherence[inner].mean()))
    jxx, jyy, jxy = (gx * gx)[inner].mean(), (gy * gy)[inner].mean(), (gx * gy)[inner].mean()
    features.append(float(np.sqrt((jxx - jyy) ** 2 + 4 * jxy**2) / (jxx + jyy + 1e-3)))
    features.append(float(np.log1p(jxx + jyy) / 10))
    features.append(float(grey[inner].std() / 64))
    for sigma in (1.5, 3.0):
        blob = cv2.Laplacian(cv2.GaussianBlur(grey, (0, 0), sigma), cv2.CV_32F) * sigma**2
        values = blob[inner]
        features += [
            float(np.abs(values).mean() / 30),
            float((values > 8).mean()),
            float((values < -8).mean()),
        ]
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV).astype(np.float32)
    for channel in range(3):
        values = hsv[..., channel][inner]
        features += [float(values.mean() / 255), float(values.std() / 255)]
    return features


def _inner(selection: np.ndarray) -> np.ndarray:
    inner = cv2.erode(selection.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    return inner if inner.sum() >= 20 else selection.astype(bool)


def colour_features(image: np.ndarray, selection: np.ndarray) -> list[float]:
    """CIELAB mean, spread and 10/50/90 % quantiles, and a 12-bin hue histogram of the fur."""
    inner = _inner(selection)
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB)[inner].astype(np.float32) / 255
    features = [*lab.mean(axis=0), *lab.std(axis=0)]
    for quantile in (10, 50, 90):
        features += list(np.percentile(lab, quantile, axis=0))
    hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV_FULL)[inner].astype(np.float32)
    bins = (hsv[:, 0] * HUE_BINS / 256).astype(np.int64)
    hue = np.bincount(bins, weights=hsv[:, 1] / 255, minlength=HUE_BINS) / len(hsv)
    return [float(v) for v in (*features, *hue)]


def region_features(image: np.ndarray, selection: np.ndarray) -> np.ndarray:
    """The descriptor vector (float64) of the region ``selection`` (bool, H x W) of ``image``."""
    shape = shape_features(normalised_silhouette(selection))
    fur = fur_features(image, selection)
    return np.array(shape + fur + colour_features(image, selection), dtype=np.float64)
