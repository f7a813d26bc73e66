"""Duplicate suggestion scoring (pure): how likely an open ticket is the same problem as the demand
being typed, and why.

Text similarity averages the cosine and the containment of character-bigram vectors weighted by
inverse document frequency over the candidate pool, with function characters such as 的 and 了
dropped. Chinese has no spaces; bigrams match reworded complaints about the same thing
("小区门口路灯不亮" / "门口的路灯坏了不亮") without a segmentation dictionary, and the pool is
small (open tickets of one street and category family, or of one caller), so the weights are
computed per query. bench/duplicates.py measures it against 1,000,000 tickets.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_CJK = re.compile(r"[\u4e00-\u9fff]+")
# Function characters that carry no meaning of the problem; they break bigram runs.
_STOP = frozenset("的了是在我你他她它们着呢吗吧啊也都还就才很又有和与及把被让给")
_WORD = re.compile(r"[A-Za-z0-9]+")

WEIGHT_TEXT = 0.55
WEIGHT_SAME_LEAF = 0.15
WEIGHT_SAME_FAMILY = 0.08
WEIGHT_SAME_STREET = 0.10
WEIGHT_SAME_CALLER = 0.25
THRESHOLD = 0.45


def tokens(text: str) -> Counter[str]:
    """Character bigrams of each run of Chinese characters (a lone character counts as itself) and
    the Latin/digit words (building numbers, plate numbers)."""
    counts: Counter[str] = Counter()
    text = "".join(" " if ch in _STOP else ch for ch in text)
    for run in _CJK.findall(text):
        if len(run) == 1:
            counts[run] += 1
        counts.update(run[i : i + 2] for i in range(len(run) - 1))
    counts.update(word.lower() for word in _WORD.findall(text))
    return counts


def cosine(a: Counter[str], b: Counter[str], idf: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(a[t] * b[t] * idf.get(t, 1.0) ** 2 for t in a.keys() & b.keys())
    norm_a = math.sqrt(sum((n * idf.get(t, 1.0)) ** 2 for t, n in a.items()))
    norm_b = math.sqrt(sum((n * idf.get(t, 1.0)) ** 2 for t, n in b.items()))
    return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


def containment(a: Counter[str], b: Counter[str], idf: dict[str, float]) -> float:
    """How much of the shorter text the longer one covers (weighted): a short demand ("暖气不热")
    inside a longer ticket counts fully, which the cosine alone would dilute."""
    small, big = (a, b) if sum(a.values()) <= sum(b.values()) else (b, a)
    whole = sum(n * idf.get(t, 1.0) for t, n in small.items())
    covered = sum(min(n, big[t]) * idf.get(t, 1.0) for t, n in small.items())
    return covered / whole if whole else 0.0


def text_similarity(a: Counter[str], b: Counter[str], idf: dict[str, float]) -> float:
    return (cosine(a, b, idf) + containment(a, b, idf)) / 2


def idf_of(documents: Iterable[Counter[str]]) -> dict[str, float]:
    docs = list(documents)
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc.keys())
    n = len(docs)
    return {term: math.log((1 + n) / (1 + count)) + 1 for term, count in df.items()}


@dataclass(frozen=True)
class Demand:
    content: str
    street_id: int | None
    category_id: int | None
    family_id: int | None  # the category's parent (二级分类)
    caller_id: int | None


@dataclass(frozen=True)
class Candidate:
    id: int
    content: str
    street_id: int | None
    category_id: int | None
    family_id: int | None
    caller_id: int | None


@dataclass
class Suggestion:
    id: int
    score: float
    text_similarity: float
    reasons: list[str] = field(default_factory=list)


def suggest(demand: Demand, candidates: Sequence[Candidate], *, limit: int = 5) -> list[Suggestion]:
    """The likeliest duplicates, best first, each with its score (0–1) and reasons (stable codes:
    same_caller, same_street, same_category, same_family, similar_text)."""
    if not candidates:
        return []
    query = tokens(demand.content)
    vectors = [tokens(c.content) for c in candidates]
    idf = idf_of([query, *vectors])
    out = []
    for candidate, vector in zip(candidates, vectors, strict=True):
        text = text_similarity(query, vector, idf)
        score, reasons = WEIGHT_TEXT * text, []
        if text >= 0.3:
            reasons.append("similar_text")
        if demand.caller_id is not None and candidate.caller_id == demand.caller_id:
            score += WEIGHT_SAME_CALLER
            reasons.append("same_caller")
        if demand.street_id is not None and candidate.street_id == demand.street_id:
            score += WEIGHT_SAME_STREET
            reasons.append("same_street")
        if demand.category_id is not None and candidate.category_id == demand.category_id:
            score += WEIGHT_SAME_LEAF
            reasons.append("same_category")
        elif demand.family_id is not None and candidate.family_id == demand.family_id:
            score += WEIGHT_SAME_FAMILY
            reasons.append("same_family")
        score = min(1.0, score)
        if score >= THRESHOLD:
            out.append(Suggestion(candidate.id, round(score, 3), round(text, 3), reasons))
    out.sort(key=lambda s: (-s.score, -s.id))
    return out[:limit]
