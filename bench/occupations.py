"""Benchmark: classifying distinct occupation texts, most of them misspelt (the slow path).

    .venv/bin/python bench/occupations.py [--texts 5000] [--seed 20240528]

Prints JSON: texts, seconds, texts per second, and how many landed in each match kind.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter

from jaring.registry.occupations import TAXONOMY, classify_occupations, normalize_occupation


def distinct_texts(n: int, seed: int) -> list[str]:
    """Synonyms with up to two random typos and a place or number appended; n distinct keys."""
    rng = random.Random(seed)
    base = [s for spec in TAXONOMY for s in spec.synonyms]
    places = ["sukamaju", "kauman", "krapyak", "ngaliyan", "bugel", "tegalrejo", "panjang"]
    seen: set[str] = set()
    texts: list[str] = []
    while len(texts) < n:
        text = list(rng.choice(base))
        for _ in range(rng.randint(0, 2)):
            i = rng.randrange(len(text))
            text[i : i + 1] = rng.choice([[], [rng.choice("aeiounrstk")], text[i : i + 1] * 2])
        candidate = "".join(text) + rng.choice(["", " " + rng.choice(places), " 03"])
        key = normalize_occupation(candidate)
        if key and key not in seen:
            seen.add(key)
            texts.append(candidate)
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=20240528)
    args = parser.parse_args()
    texts = distinct_texts(args.texts, args.seed)
    classify_occupations(texts[:10])  # build the national index once, as a warm process has
    started = time.perf_counter()
    results = classify_occupations(texts)
    seconds = time.perf_counter() - started
    kinds = Counter(r.match for r in results.values())
    print(
        json.dumps(
            {
                "benchmark": "occupations",
                "texts": len(texts),
                "seconds": round(seconds, 3),
                "texts_per_second": round(len(texts) / seconds),
                "matches": dict(kinds),
            }
        )
    )


if __name__ == "__main__":
    main()
