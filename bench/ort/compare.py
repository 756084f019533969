#!/usr/bin/env python3
# Distance of one engine's output from octet's integer reference: both raw
# little-endian f32 files of the same length. Prints one JSON line with the
# max absolute difference, the mean absolute difference and the overlap of
# the top-5 indices (classifiers). Standard library only (no numpy here).
import json
import struct
import sys


def load(path):
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) % 4:
        sys.exit(f'compare.py: {path} has {len(data)} bytes, not a multiple of 4')
    return struct.unpack(f'<{len(data) // 4}f', data)


def top5(v):
    return set(sorted(range(len(v)), key=lambda i: -v[i])[:5])


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: compare.py reference.raw output.raw')
    ref, out = load(sys.argv[1]), load(sys.argv[2])
    if len(ref) != len(out):
        sys.exit(f'compare.py: {len(ref)} reference values, {len(out)} output values')
    diffs = [abs(a - b) for a, b in zip(ref, out)]
    print(json.dumps({'max_abs_diff': max(diffs), 'mean_abs_diff': sum(diffs) / len(diffs),
                      'top5_overlap': len(top5(ref) & top5(out)), 'values': len(ref)}))


main()
