"""Pillow-drawn stand-ins for a red official seal and a blue handwritten signature (transparent PNGs).

Both are deterministic: the same inputs give the same PNG bytes. Text uses the vendored DejaVu Serif
fonts so that Vietnamese diacritics render correctly.
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import math
import random
import unicodedata

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from harness.pdf.layout import FONT_DIR

SEAL_RED = (206, 17, 38)
INK_BLUE = (22, 45, 165)
_SUPERSAMPLE = 2


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / name), size)


def _rng(*parts: object) -> random.Random:
    """A random generator seeded from a stable digest (never Python's salted hash())."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _one_ink(image: Image.Image, ink: tuple[int, int, int]) -> Image.Image:
    """`image`'s alpha over one flat ink colour. The drawing uses a single ink, so this looks the same, but
    resampling leaves transparent pixels black and edges mixed: kept, they doubled the size of a signed
    PDF (the seal's colour plane alone was 89 KB compressed, a flat one is under 1 KB), and every package
    carries them through every axis, base64 and digest."""
    flat = Image.new("RGBA", image.size, (*ink, 255))
    flat.putalpha(image.getchannel("A").point(_ALPHA_STEPS))
    return flat


ALPHA_LEVELS = 32
"""Ink densities an image keeps. Resampling and the uneven-ink texture left every pixel of the seal a density
of its own, which flate cannot pack (its mask was 63 of a signed PDF's 175 KB); 32 steps of 8/255 look the
same on paper and on screen, and the mask is 29 KB."""
_ALPHA_STEPS = [
    0 if v == 0 else round(round(v * (ALPHA_LEVELS - 1) / 255) * 255 / (ALPHA_LEVELS - 1)) for v in range(256)
]


def _ink_texture(size: int, rng: random.Random, *, low: float, high: float) -> Image.Image:
    """An "L" mask of smooth, uneven ink density, so the stamp does not look computer-flat."""
    cells = 24
    grid = Image.new("L", (cells, cells))
    grid.putdata([int(255 * (low + (high - low) * rng.random())) for _ in range(cells * cells)])
    return grid.resize((size, size), Image.Resampling.BICUBIC)


def _star(cx: float, cy: float, r_outer: float, r_inner: float) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in range(10):
        r = r_outer if i % 2 == 0 else r_inner
        a = math.pi * i / 5  # 0 = pointing up
        points.append((cx + r * math.sin(a), cy - r * math.cos(a)))
    return points


def _arc_text(
    canvas: Image.Image, text: str, font: ImageFont.FreeTypeFont, *, centre: float, radius: float, span_deg: float
) -> None:
    """Write `text` clockwise around a circle, centred on the top, glyph tops facing outwards."""
    widths = [font.getlength(ch) for ch in text]
    total = sum(widths)
    if total == 0:
        return
    span = math.radians(span_deg)
    scale = span / total  # radians per pixel of advance
    angle = -span / 2
    ascent, descent = font.getmetrics()
    tile_size = int((ascent + descent) * 2.2)
    for ch, w in zip(text, widths, strict=True):
        mid = angle + w * scale / 2
        angle += w * scale
        if ch.isspace():
            continue
        tile = Image.new("L", (tile_size, tile_size), 0)
        ImageDraw.Draw(tile).text((tile_size / 2, tile_size / 2), ch, font=font, fill=255, anchor="mm")
        tile = tile.rotate(-math.degrees(mid), resample=Image.Resampling.BICUBIC, center=(tile_size / 2, tile_size / 2))
        x = centre + radius * math.sin(mid) - tile_size / 2
        y = centre - radius * math.cos(mid) - tile_size / 2
        ink = Image.new("RGBA", (tile_size, tile_size), (*SEAL_RED, 255))
        canvas.paste(ink, (round(x), round(y)), tile)


@functools.lru_cache(maxsize=256)
def seal_png(agency_name: str, *, size_px: int = 600) -> bytes:
    """A round red official seal: double ring, the agency name in capitals around it, a star inside."""
    if size_px < 64:
        raise ValueError("size_px must be at least 64")
    name = " ".join(unicodedata.normalize("NFC", agency_name).upper().split())
    big = size_px * _SUPERSAMPLE
    c = big / 2
    r_outer = big * 0.47
    ring = max(3, round(big * 0.022))
    r_inner = big * 0.33
    canvas = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((c - r_outer, c - r_outer, c + r_outer, c + r_outer), outline=(*SEAL_RED, 255), width=ring)
    thin = max(2, ring // 2)
    draw.ellipse((c - r_inner, c - r_inner, c + r_inner, c + r_inner), outline=(*SEAL_RED, 255), width=thin)
    draw.polygon(_star(c, c, r_inner * 0.62, r_inner * 0.25), fill=(*SEAL_RED, 255))
    band = (r_outer - ring) - (r_inner + thin)  # room for the text between the rings
    size = int(band * 0.62)
    font = _font("DejaVuSerif-Bold.ttf", size)
    radius = r_inner + thin + band * 0.48
    # Shrink the font until the whole name fits in ~300 degrees of the text circle.
    while size > 8 and font.getlength(name) > radius * math.radians(300):
        size -= 1
        font = _font("DejaVuSerif-Bold.ttf", size)
    span = min(300.0, math.degrees(font.getlength(name) * 1.1 / radius))
    _arc_text(canvas, name, font, centre=c, radius=radius, span_deg=span)
    # A small star closes the ring at the bottom, where the two ends of the name meet.
    draw.polygon(_star(c, c + radius, band * 0.22, band * 0.09), fill=(*SEAL_RED, 255))
    # Uneven ink: modulate alpha with a smooth texture; transparent pixels stay transparent.
    alpha = canvas.getchannel("A")
    texture = _ink_texture(big, _rng("seal", name), low=0.72, high=1.0)
    canvas.putalpha(ImageChops.multiply(alpha, texture))
    out = canvas.resize((size_px, size_px), Image.Resampling.LANCZOS)
    return _png(_one_ink(out, SEAL_RED))


def _densify(points: list[tuple[float, float]], step: float = 1.0) -> list[tuple[float, float]]:
    """Resample a polyline so consecutive points are at most `step` pixels apart (no gaps between discs)."""
    out: list[tuple[float, float]] = points[:1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        n = max(1, math.ceil(math.dist((x0, y0), (x1, y1)) / step))
        out.extend((x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n) for k in range(1, n + 1))
    return out


def _stroke(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], width: float, rng: random.Random) -> None:
    """Draw a polyline as overlapping discs whose radius follows a smooth "pen pressure" curve."""
    phase = rng.uniform(0, math.tau)
    dense = _densify(points)
    n = len(dense)
    for i, (x, y) in enumerate(dense):
        t = i / max(1, n - 1)
        taper = min(1.0, 8 * t, 8 * (1 - t)) * 0.7 + 0.3
        pressure = 0.8 + 0.2 * math.sin(phase + 11 * t)
        r = max(1.0, width * taper * pressure / 2)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*INK_BLUE, 255))


def _catmull_rom(points: list[tuple[float, float]], samples: int = 24) -> list[tuple[float, float]]:
    """A smooth curve through every control point (centripetal-free, uniform Catmull-Rom)."""
    if len(points) < 2:
        return points
    ext = [points[0], *points, points[-1]]
    out: list[tuple[float, float]] = []
    for i in range(1, len(ext) - 2):
        p0, p1, p2, p3 = ext[i - 1], ext[i], ext[i + 1], ext[i + 2]
        for k in range(samples):
            t = k / samples
            t2, t3 = t * t, t * t * t
            out.append(
                (
                    0.5
                    * (
                        2 * p1[0]
                        + (-p0[0] + p2[0]) * t
                        + (2 * p0[0] - 5 * p1[0] + 4 * p2[0] - p3[0]) * t2
                        + (-p0[0] + 3 * p1[0] - 3 * p2[0] + p3[0]) * t3
                    ),
                    0.5
                    * (
                        2 * p1[1]
                        + (-p0[1] + p2[1]) * t
                        + (2 * p0[1] - 5 * p1[1] + 4 * p2[1] - p3[1]) * t2
                        + (-p0[1] + 3 * p1[1] - 3 * p2[1] + p3[1]) * t3
                    ),
                )
            )
    out.append(points[-1])
    return out


def _bezier(
    p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float], p3: tuple[float, float]
) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    steps = max(16, int(math.dist(p0, p3) / 1.5))
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        x = u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0]
        y = u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1]
        pts.append((x, y))
    return pts


@functools.lru_cache(maxsize=256)
def signature_png(full_name: str, *, seed: int, width_px: int = 600, height_px: int = 300) -> bytes:
    """A blue handwritten-looking signature: a looped scribble, the given name slanted, an underline flourish."""
    if width_px < 120 or height_px < 60:
        raise ValueError("signature image too small")
    name = " ".join(unicodedata.normalize("NFC", full_name).split())
    rng = _rng("signature", name, seed)
    w, h = width_px * _SUPERSAMPLE, height_px * _SUPERSAMPLE
    pen = max(3.0, h * 0.018)
    canvas = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)

    # 1. A cursive scribble: a zigzag of control points, some stepping back to close a loop.
    base = h * rng.uniform(0.56, 0.62)
    x = w * rng.uniform(0.08, 0.12)
    ctrl: list[tuple[float, float]] = [(x, base + h * 0.05)]
    ctrl.append((x + w * 0.05, h * rng.uniform(0.12, 0.2)))  # the tall opening stroke
    x += w * 0.03
    end = w * rng.uniform(0.5, 0.56)
    up = False
    while x < end:
        if up:
            ctrl.append((x, base - h * rng.uniform(0.1, 0.26)))
        else:
            ctrl.append((x, base + h * rng.uniform(-0.02, 0.06)))
        step = w * rng.uniform(0.03, 0.06)
        x += -step * 0.7 if up and rng.random() < 0.5 else step  # a step back makes a loop
        up = not up
    _stroke(draw, _catmull_rom(ctrl), pen, rng)

    # 3. The given name, slanted like quick handwriting.
    given = name.split()[-1] if name else "?"
    size = int(h * 0.22)
    font = _font("DejaVuSerif-Italic.ttf", size)
    while size > 10 and font.getlength(given) > w * 0.3:  # long given names shrink to stay inside
        size -= 2
        font = _font("DejaVuSerif-Italic.ttf", size)
    layer = Image.new("L", (w, h), 0)
    ImageDraw.Draw(layer).text((w * 0.58, h * 0.52), given, font=font, fill=255, anchor="lm")
    shear = rng.uniform(0.15, 0.25)
    layer = layer.transform(
        (w, h), Image.Transform.AFFINE, (1, shear, -shear * h * 0.5, 0, 1, 0), Image.Resampling.BICUBIC
    )
    layer = layer.filter(ImageFilter.MaxFilter(3))
    canvas.paste(Image.new("RGBA", (w, h), (*INK_BLUE, 255)), (0, 0), layer)

    # 4. The underline flourish sweeping back under everything.
    y_line = h * rng.uniform(0.74, 0.8)
    flourish = _bezier(
        (w * rng.uniform(0.06, 0.12), y_line + h * 0.04),
        (w * 0.35, y_line - h * 0.10),
        (w * 0.75, y_line + h * 0.12),
        (w * rng.uniform(0.86, 0.92), y_line - h * 0.06),
    )
    _stroke(draw, flourish, pen, rng)

    out = canvas.resize((width_px, height_px), Image.Resampling.LANCZOS)
    return _png(_one_ink(out, INK_BLUE))
