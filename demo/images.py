"""Abstract lead images for the demo content, drawn locally with Pillow.

No photographs are downloaded: a demo must load offline and carry no third-party rights. Each image
is drawn from a seed (the article's slug), so a second run of `load_demo` would draw the very same
pixels; it does not need to, because images are looked up by title first. The section colour tints
the composition, so a section's cards read as a family on the front page.
"""

from __future__ import annotations

import io
import math
import random
import zlib

from PIL import Image, ImageDraw, ImageFilter

# Small on purpose: Wagtail makes a dozen renditions of each lead image (WebP and JPEG, three to four
# widths), and their cost grows with the original's pixels. 960 px is as wide as a lead story is drawn
# on a desktop at 1x; the pictures are abstract, so a browser scaling them up loses nothing.
WIDTH, HEIGHT = 960, 540


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    hex_colour = hex_colour.lstrip("#")
    return tuple(int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _gradient(size: tuple[int, int], top: tuple, bottom: tuple, angle: float) -> Image.Image:
    """A linear gradient at `angle` degrees, drawn small and scaled up (fast, and smooth enough)."""
    # Rotate a larger ramp and crop its middle, so no corner is left unfilled by the rotation.
    ramp = Image.linear_gradient("L").resize((512, 512)).rotate(angle, resample=Image.BILINEAR)
    ramp = ramp.crop((128, 160, 384, 352)).resize(size, Image.BILINEAR)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), ramp)


def draw_composition(seed: str, colour: str, *, size: tuple[int, int] = (WIDTH, HEIGHT)) -> Image.Image:
    """An abstract composition: a tinted gradient, soft discs, a band of lines and a geometric star.

    `seed` makes the drawing repeatable (zlib.crc32 rather than hash(), which Python salts per process).
    """
    rng = random.Random(zlib.crc32(seed.encode("utf-8")))
    base = _rgb(colour)
    dark = _mix(base, (12, 18, 28), 0.75)
    light = _mix(base, (245, 240, 228), 0.55)
    image = _gradient(size, light, dark, rng.uniform(0, 360))
    width, height = size

    # Soft discs of light, blurred on their own layer so the edges glow. Drawn at a quarter of the
    # size and scaled up: the blur hides the difference and it is ten times faster.
    small = (width // 4, height // 4)
    glow = Image.new("RGBA", small, (0, 0, 0, 0))
    painter = ImageDraw.Draw(glow)
    for _ in range(rng.randint(3, 6)):
        radius = rng.randint(small[1] // 8, small[1] // 2)
        cx, cy = rng.randint(0, small[0]), rng.randint(0, small[1])
        tint = _mix(base, (255, 255, 255), rng.uniform(0.1, 0.7))
        painter.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=(*tint, rng.randint(50, 120)))
    glow = glow.filter(ImageFilter.GaussianBlur(radius=small[1] // 30)).resize(size, Image.BILINEAR)
    image = Image.alpha_composite(image.convert("RGBA"), glow)

    # A band of parallel lines, like a horizon or a street seen from above.
    lines = Image.new("RGBA", size, (0, 0, 0, 0))
    painter = ImageDraw.Draw(lines)
    slope = rng.uniform(-0.35, 0.35)
    y0 = rng.randint(height // 3, 2 * height // 3)
    for i in range(rng.randint(6, 14)):
        offset = i * rng.randint(10, 22)
        painter.line(
            [(0, y0 + offset), (width, y0 + offset + slope * width)],
            fill=(255, 255, 255, rng.randint(25, 70)),
            width=rng.randint(1, 4),
        )

    # An eight-pointed star (a common motif in the region's tilework), outlined.
    points = 8
    cx, cy = rng.randint(width // 5, 4 * width // 5), rng.randint(height // 4, 3 * height // 4)
    outer = rng.randint(height // 6, height // 3)
    inner = outer * rng.uniform(0.45, 0.7)
    turn = rng.uniform(0, math.pi / points)
    star = []
    for k in range(points * 2):
        r = outer if k % 2 == 0 else inner
        a = turn + k * math.pi / points
        star.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    painter.polygon(star, outline=(*_mix(base, (255, 255, 255), 0.8), 150), width=rng.randint(3, 7))

    # A few solid blocks in the section colour, as in a newspaper's layout grid.
    for _ in range(rng.randint(2, 4)):
        x, y = rng.randint(0, width), rng.randint(0, height)
        w, h = rng.randint(width // 20, width // 6), rng.randint(height // 30, height // 8)
        painter.rectangle((x, y, x + w, y + h), fill=(*_mix(base, (0, 0, 0), rng.uniform(0, 0.4)), 170))

    image = Image.alpha_composite(image, lines)
    return image.convert("RGB")


def render_jpeg(seed: str, colour: str, *, size: tuple[int, int] = (WIDTH, HEIGHT)) -> bytes:
    """The composition as JPEG bytes, ready to store as a Wagtail image."""
    buffer = io.BytesIO()
    draw_composition(seed, colour, size=size).save(buffer, format="JPEG", quality=82)
    return buffer.getvalue()
