"""Many synthetic incidents with distinct errors, and a long CI log that repeats some of them."""

from __future__ import annotations

import random
from dataclasses import dataclass

from nexus_pm.signatures import Source

SYLLABLES = ["ka", "lo", "mi", "ra", "ten", "vo", "zu", "pex", "dor", "bil", "qua", "sen"]
SYLLABLES += ["tri", "mon", "gal", "fer", "hup", "jin", "wex", "yol"]
TYPES = ["ValueError", "KeyError", "RuntimeError", "TimeoutError", "OSError", "ImportError"]


@dataclass(frozen=True)
class Workload:
    """Incidents to index, a log to match, and the incidents whose errors the log repeats."""

    sources: list[Source]
    log: str
    expected: set[str]


def workload(incidents: int = 5000, lines: int = 10_000, seed: int = 20251109) -> Workload:
    """Each incident has two errors and a glob pattern; the log has timestamps and colours on
    every line, 15 % error lines, a third of those errors of the incidents."""
    rng = random.Random(seed)
    vocabulary = sorted(
        {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))) for _ in range(6000)}
    )

    def error() -> tuple[list[str], str]:
        words = rng.sample(vocabulary, 5)
        where = f"/srv/app/{words[4]}.py:{rng.randint(1, 999)}"
        return words, f"{rng.choice(TYPES)}: {' '.join(words[:4])} failed at {where}"

    sources, planted = [], []
    for number in range(incidents):
        words, first = error()
        second = error()[1]
        pattern = f"{words[0]} {words[1]} *{words[3]}"
        sources.append(Source(f"INC-{number:05d}", (f"{first}\n{second}",), (pattern,)))
        planted.append((f"INC-{number:05d}", first))
    out, expected = [], set()
    for number in range(lines):
        stamp = f"2025-11-09T10:{number // 60 % 60:02d}:{number % 60:02d}.{number:07d}Z"
        roll = rng.random()
        if roll < 0.85:
            words = " ".join(rng.sample(vocabulary, 6))
            out.append(f"{stamp} \x1b[32mINFO\x1b[0m {words} took {rng.randint(1, 900)}ms")
        elif roll < 0.95:
            words = " ".join(rng.sample(vocabulary, 5))
            out.append(f"{stamp} \x1b[31mERROR\x1b[0m {words} failed with code {roll:.3f}")
        else:
            incident, line = rng.choice(planted)
            expected.add(incident)
            out.append(f"{stamp} {line.replace('.py:', '.py:1')}")
    return Workload(sources, "\n".join(out), expected)
