#!/usr/bin/env python3
"""Draws the app's PNG icons from the favicon's design (public/favicon.svg): a teal
rounded square with a white tick. Standard library only (no image library here):
each pixel is sampled 4×4 and written as an 8-bit RGBA PNG.

    python3 scripts/make-icons.py   # writes public/icons/*.png
"""
import math
import struct
import zlib
from pathlib import Path

TEAL = (0x0F, 0x5C, 0x5B)
TICK = [(18, 33), (27, 42), (46, 22)]  # in the favicon's 64-unit box
STROKE = 7 / 2


def segment_distance(px, py, a, b):
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def inside_rounded(px, py, radius):
    cx = min(max(px, radius), 64 - radius)
    cy = min(max(py, radius), 64 - radius)
    return math.hypot(px - cx, py - cy) <= radius


def draw(size, maskable):
    # A maskable icon fills its square and keeps the mark in the middle 80 %.
    scale = 0.8 if maskable else 1.0
    radius = 0 if maskable else 14
    rows = []
    samples = 4
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            bg = mark = 0
            for sy in range(samples):
                for sx in range(samples):
                    u = (x + (sx + 0.5) / samples) * 64 / size
                    v = (y + (sy + 0.5) / samples) * 64 / size
                    if not inside_rounded(u, v, radius):
                        continue
                    bg += 1
                    mu, mv = 32 + (u - 32) / scale, 32 + (v - 32) / scale
                    if min(segment_distance(mu, mv, TICK[i], TICK[i + 1]) for i in range(2)) <= STROKE:
                        mark += 1
            n = samples * samples
            alpha = bg / n
            white = mark / bg if bg else 0
            colour = [round(c * (1 - white) + 255 * white) for c in TEAL]
            row += bytes(colour + [round(alpha * 255)])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main():
    out = Path(__file__).resolve().parent.parent / "public" / "icons"
    out.mkdir(exist_ok=True)
    for name, size, maskable in [
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("maskable-512.png", 512, True),
        ("apple-touch-icon.png", 180, True),
    ]:
        (out / name).write_bytes(draw(size, maskable))
        print(out / name)


if __name__ == "__main__":
    main()
