#!/usr/bin/env python3
"""Generates the performance corpus: N top-level maps, each with 40 keys of random 24-letter
strings and a `nums` list of 10 random ints (50 leaves per map). Deterministic for a seed.

Usage: gen_corpus.py LEAVES [SEED] > file.yaml   (LEAVES is rounded up to a multiple of 50)
"""
import random
import string
import sys


def main() -> None:
    leaves = int(sys.argv[1])
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 8)
    maps = max(1, -(-leaves // 50))
    letters = string.ascii_letters
    out = sys.stdout
    for m in range(maps):
        out.write(f"item{m}:\n")
        for k in range(40):
            value = "".join(rng.choice(letters) for _ in range(24))
            out.write(f"  key{k}: {value}\n")
        out.write("  nums:\n")
        for _ in range(10):
            out.write(f"  - {rng.randint(0, 2**31)}\n")


if __name__ == "__main__":
    main()
