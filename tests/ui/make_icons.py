#!/usr/bin/env python3
"""Draws the web UI's app icons (a white microphone on Ralex blue) as PNGs with
nothing but the standard library: signed distance functions give each shape's
antialiased coverage, zlib and struct write the PNG.

    python3 tests/ui/make_icons.py          # writes kernel/gateway/web/icons/*.png

`icon-192.png` and `icon-512.png` are rounded squares (transparent corners);
`icon-maskable-512.png` is full-bleed with the glyph inside the 80 % safe zone.
"""

import math
import struct
import zlib
from pathlib import Path

BLUE = (29, 78, 216)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parents[2] / "kernel" / "gateway" / "web" / "icons"


def segment(px, py, ax, ay, bx, by):
    """Distance from p to the segment a–b."""
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def rounded_square(px, py, radius):
    """Signed distance to the unit square [0,1]² with rounded corners."""
    qx = abs(px - 0.5) - (0.5 - radius)
    qy = abs(py - 0.5) - (0.5 - radius)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def microphone(px, py, scale):
    """Signed distance to the microphone glyph, drawn at `scale` around the centre."""
    x = 0.5 + (px - 0.5) / scale
    y = 0.5 + (py - 0.5) / scale
    stroke = 0.045
    body = segment(x, y, 0.5, 0.30, 0.5, 0.50) - 0.11
    cx, cy, r = 0.5, 0.50, 0.19
    if y >= cy:
        arc = abs(math.hypot(x - cx, y - cy) - r) - stroke / 2
    else:
        arc = min(segment(x, y, cx - r, cy, cx - r, 0.44), segment(x, y, cx + r, cy, cx + r, 0.44)) - stroke / 2
    stem = segment(x, y, 0.5, cy + r, 0.5, 0.79) - stroke / 2
    base = segment(x, y, 0.39, 0.79, 0.61, 0.79) - stroke / 2
    return min(body, arc, stem, base) * scale


def coverage(distance, size):
    """Share of a pixel inside a shape whose signed distance (in icon units) is `distance`."""
    return max(0.0, min(1.0, 0.5 - distance * size))


def draw(size, maskable):
    rows = []
    for j in range(size):
        row = bytearray([0])  # filter: none
        py = (j + 0.5) / size
        for i in range(size):
            px = (i + 0.5) / size
            bg = 1.0 if maskable else coverage(rounded_square(px, py, 0.22), size)
            if bg == 0.0:
                row += b"\0\0\0\0"
                continue
            glyph = coverage(microphone(px, py, 0.78 if maskable else 0.92), size)
            rgb = [round(b + (w - b) * glyph) for b, w in zip(BLUE, WHITE)]
            row += bytes(rgb + [round(255 * bg)])
        rows.append(bytes(row))
    return png(size, size, b"".join(rows))


def png(width, height, raw):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in [
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
    ]:
        data = draw(size, maskable)
        (OUT / name).write_bytes(data)
        print(f"{OUT / name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
