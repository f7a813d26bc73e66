"""Finding a category from words (pure: no ORM, no HTTP).

Agents search the catalog by what callers say (楼上漏水, 违章建筑, 燃气异味), and the intake desk
suggests a leaf from the demand's text. Both rest on one model: a multinomial naive Bayes over the
words of each leaf, counted from

- the catalog itself — each leaf's name, its parents' names, its search keywords and its synonym
  list (common phrasing, maintained in ``dispatch/data/category_synonyms.yaml``), and
- the demands agents actually filed under each leaf (re-counted by a periodic task), so the model
  learns the centre's own phrasing; with none (an empty database) the catalog alone carries it.

Text is segmented with jieba (search mode, with every catalog term added to its dictionary, so
"小广告" or "占道经营" stay whole as well as split). A suggestion gives each leaf's probability and
the words that decided it (the ones whose likelihood for that leaf most exceeds the average leaf's).

Naive Bayes is used rather than a library classifier because the model must explain itself per word
and be rebuilt in-process from counts; it is a few dozen lines of counting (decision 23).
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Function words and hotline boilerplate: they say nothing about the category.
STOP_WORDS = frozenset(
    str.split(
        """
        的 了 是 在 我 我们 你 他 她 它 他们 有 没有 没 不 也 都 就 还
        很 太 和 与 及 或 或者 把 被 让 给 对 从 到 向 这 那 这个 那个
        这里 那里 这些 那些 什么 怎么 怎么办 为什么 如何 是否 能否 能不能
        可以 可能 一直 已经 现在 目前 今天 昨天 每天 天天 经常 总是 一下
        一个 一些 一样 问题 情况 反映 来电 来电人 市民 表示 称 说 想 要
        需要 希望 要求 请 请求 帮忙 帮助 尽快 及时 处理 解决 相关 部门 单位
        工作人员 政府 有关 关于 咨询 投诉 举报 建议 诉求 事情 事 个 位 次
        天 号 楼 家 里 上 下 中 后 前 时 时候 多 少 好 吗 呢 吧 啊 呀
        哦 嗯 后来 然后 但是 但 而且 因为 所以 如果 虽然 已 该 其 自己
        大家 本人 家里 小区 附近 周边 这边 那边 一直没有 没人 没有人
        """
    )
)
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
_DIGITS = re.compile(r"^[\d.]+$")


class Segmenter:
    """jieba in search mode with the catalog's terms in its dictionary; thread-safe after setup."""

    def __init__(self, terms: Iterable[str] = ()) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)  # it logs its dictionary loading at DEBUG
        self._lock = threading.Lock()
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        self._terms: set[str] = set()
        self.add(terms)

    def add(self, terms: Iterable[str]) -> None:
        """Keep these catalog terms whole (they are also split, in search mode)."""
        new = {t for t in terms if 2 <= len(t) <= 12} - self._terms
        with self._lock:
            for term in sorted(new):
                self._tokenizer.add_word(term, freq=2000)
            self._terms |= new

    def words(self, text: str) -> list[str]:
        """The meaningful words of ``text``: segmented, stop words, digits and punctuation dropped."""
        text = text.strip()
        if not text:
            return []
        with self._lock:  # jieba's tokenizer caches its DAG per call; keep calls apart
            raw = self._tokenizer.lcut_for_search(text)
        out = []
        for word in raw:
            word = _PUNCTUATION.sub("", word).lower()
            if word and word not in STOP_WORDS and not _DIGITS.match(word):
                out.append(word)
        return out


@dataclass(frozen=True)
class Leaf:
    """A leaf category as the model sees it: its code, its path for display, and its catalog words."""

    code: str
    path: str
    name: str
    parents: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()  # search keywords and synonyms (phrases)


# How much one occurrence in the catalog counts against one word of an agent's filed demand.
NAME_WEIGHT = 4.0
PHRASE_WEIGHT = 3.0
PARENT_WEIGHT = 1.0
SMOOTHING = 0.1
LEARNING_PRIOR = 5.0  # demands filed under a leaf before they weigh as much as its catalog words
PRIOR_WEIGHT = 0.5  # how much a leaf's share of filed demands counts (a square root of it)


@dataclass
class Model:
    """Word counts per leaf from the catalog and, apart, from filed demands.

    A leaf's word probability mixes the two: ``λ·P_catalog + (1−λ)·P_learned`` with
    ``λ = LEARNING_PRIOR / (LEARNING_PRIOR + demands filed under the leaf)`` — the catalog speaks
    alone for a leaf nobody filed yet, the centre's phrasing takes over as demands accumulate, and
    learned words never dilute the catalog's (as adding them to one count would).
    """

    leaves: dict[str, Leaf]
    counts: dict[str, dict[str, float]]  # catalog words, weighted
    totals: dict[str, float]
    vocabulary: set[str]
    learned_words: dict[str, dict[str, float]] = field(default_factory=dict)
    learned_totals: dict[str, float] = field(default_factory=dict)
    documents: Counter[str] = field(default_factory=Counter)  # learned demands per leaf
    learned: int = 0

    def log_likelihood(self, code: str, word: str) -> float:
        size = SMOOTHING * (len(self.vocabulary) + 1)
        catalog = (self.counts[code].get(word, 0.0) + SMOOTHING) / (self.totals[code] + size)
        filed = self.documents.get(code, 0)
        if not filed:
            return math.log(catalog)
        weight = LEARNING_PRIOR / (LEARNING_PRIOR + filed)
        learned = (self.learned_words[code].get(word, 0.0) + SMOOTHING) / (self.learned_totals[code] + size)
        return math.log(weight * catalog + (1 - weight) * learned)


def catalog_counts(leaves: Sequence[Leaf], segmenter: Segmenter) -> dict[str, dict[str, float]]:
    """The words each leaf's catalog entry gives it (whole phrases and their segments)."""
    counts: dict[str, dict[str, float]] = {}
    for leaf in leaves:
        counter: dict[str, float] = defaultdict(float)

        def add(phrase: str, weight: float, counter: dict[str, float] = counter) -> None:
            whole = _PUNCTUATION.sub("", phrase).lower()
            if len(whole) >= 2 and whole not in STOP_WORDS:
                counter[whole] += weight
            for word in set(segmenter.words(phrase)) - {whole}:
                counter[word] += weight / 2

        add(leaf.name, NAME_WEIGHT)
        for phrase in leaf.keywords:
            add(phrase, PHRASE_WEIGHT)
        for parent in leaf.parents:
            add(parent, PARENT_WEIGHT)
        counts[leaf.code] = dict(counter)
    return counts


def learned_counts(
    examples: Iterable[tuple[str, str]], segmenter: Segmenter, leaves: Mapping[str, Leaf]
) -> tuple[dict[str, Counter[str]], Counter[str]]:
    """Word counts from filed demands (category code, text), and demands per leaf. Each demand's
    words count once (a word repeated in one call says no more)."""
    counts: dict[str, Counter[str]] = {}
    documents: Counter[str] = Counter()
    for code, text in examples:
        if code not in leaves:
            continue
        counts.setdefault(code, Counter()).update(set(segmenter.words(text)))
        documents[code] += 1
    return counts, documents


def model_build(
    leaves: Sequence[Leaf],
    segmenter: Segmenter,
    learned: Mapping[str, Mapping[str, float]] | None = None,
    documents: Mapping[str, int] | None = None,
) -> Model:
    """The model from the catalog's words plus learned counts (``learned_counts``, or stored ones)."""
    counts = catalog_counts(leaves, segmenter)
    learned_words = {
        code: {word: float(n) for word, n in words.items()}
        for code, words in (learned or {}).items()
        if code in counts
    }
    docs = Counter({code: int(n) for code, n in (documents or {}).items() if code in learned_words})
    vocabulary = {word for words in (*counts.values(), *learned_words.values()) for word in words}
    return Model(
        leaves={leaf.code: leaf for leaf in leaves},
        counts=counts,
        totals={code: sum(words.values()) for code, words in counts.items()},
        vocabulary=vocabulary,
        learned_words=learned_words,
        learned_totals={code: sum(words.values()) for code, words in learned_words.items()},
        documents=docs,
        learned=sum(docs.values()),
    )


@dataclass(frozen=True)
class Suggestion:
    code: str
    path: str
    score: float  # probability among the leaves, 0–1
    words: tuple[str, ...]  # the words that decided it, strongest first


def _prior(model: Model, code: str) -> float:
    """Leaves agents file often are likelier, gently (a square root of the learned frequency)."""
    if not model.learned:
        return 0.0
    share = (model.documents.get(code, 0) + 1) / (model.learned + len(model.leaves))
    return PRIOR_WEIGHT * math.log(share)


def suggest(model: Model, words: Sequence[str], *, limit: int = 3) -> list[Suggestion]:
    """The ``limit`` likeliest leaves for a demand's words; none when no word is in the catalog."""
    known = [w for w in words if w in model.vocabulary]
    if not known:
        return []
    scores = {
        code: _prior(model, code) + sum(model.log_likelihood(code, w) for w in known) for code in model.leaves
    }
    top = max(scores.values())
    total = sum(math.exp(s - top) for s in scores.values())
    ranked = sorted(scores, key=lambda code: (-scores[code], code))[:limit]
    distinct = set(known)
    mean = {w: sum(model.log_likelihood(c, w) for c in model.leaves) / len(model.leaves) for w in distinct}
    results = []
    for code in ranked:
        lift = sorted(
            ((model.log_likelihood(code, w) - mean[w], w) for w in distinct),
            key=lambda item: (-item[0], item[1]),
        )
        decisive = tuple(w for gain, w in lift if gain > 0.5)[:4]
        results.append(
            Suggestion(
                code=code,
                path=model.leaves[code].path,
                score=round(math.exp(scores[code] - top) / total, 4),
                words=decisive,
            )
        )
    return results


def search(model: Model, words: Sequence[str], query: str, *, limit: int = 20) -> list[str]:
    """Leaves for a short query an agent types: a name or path containing the query first, then the
    leaves the query's words point to (synonyms and phrasing), likeliest first."""
    query = query.strip().lower()
    by_name = [
        code
        for code, leaf in model.leaves.items()
        if query and (query in leaf.path.lower() or code.startswith(query))
    ]
    by_name.sort(key=lambda code: (query not in model.leaves[code].name.lower(), code))
    ranked = [s.code for s in suggest(model, words, limit=limit)] if words else []
    # A leaf is offered by words only when one of its own catalog words is among the query's.
    own = [
        code
        for code in ranked
        if any(
            model.counts[code].get(w, 0) > 0 or model.learned_words.get(code, {}).get(w, 0) > 0 for w in words
        )
    ]
    return list(dict.fromkeys([*by_name, *own]))[:limit]


def model_summary(model: Model) -> dict[str, Any]:
    return {"leaves": len(model.leaves), "vocabulary": len(model.vocabulary), "learned": model.learned}
