"""Agreement of two labellings, shared by the clustering benchmark scripts."""
from collections import Counter


def comb2(n):
    return n * (n - 1) / 2


def adjusted_rand(first, second):
    """Adjusted Rand index (Hubert & Arabie 1985) of two labellings of the same items."""
    pairs = Counter(zip(first, second))
    index = sum(comb2(n) for n in pairs.values())
    rows = sum(comb2(n) for n in Counter(first).values())
    cols = sum(comb2(n) for n in Counter(second).values())
    expected = rows * cols / comb2(len(first))
    maximum = (rows + cols) / 2
    return (index - expected) / (maximum - expected) if maximum != expected else 1.0
