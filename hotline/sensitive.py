"""Sensitive-content matching (pure): which rules a text hits, where, and the text with the hits
highlighted. Rules come in as plain tuples, so this module knows nothing of the database."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

# Higher index: more urgent. A match only ever raises a ticket's urgency.
URGENCY_ORDER = ["general", "complex", "utility", "emergency"]


@dataclass(frozen=True)
class Rule:
    id: int
    pattern: str
    is_regex: bool
    kind: str
    raise_to: str


@dataclass(frozen=True)
class Hit:
    rule_id: int
    kind: str
    start: int
    end: int
    text: str


def compile_rule(rule: Rule) -> re.Pattern[str]:
    return re.compile(rule.pattern if rule.is_regex else re.escape(rule.pattern))


def find(text: str, rules: Iterable[Rule]) -> list[Hit]:
    """Every hit of every rule, in text order; overlapping hits are kept (the highlight merges them)."""
    hits = []
    for rule in rules:
        try:
            pattern = compile_rule(rule)
        except re.error:
            continue  # an invalid pattern never blocks intake; the admin refuses to save one
        for match in pattern.finditer(text):
            if match.end() > match.start():
                hits.append(Hit(rule.id, rule.kind, match.start(), match.end(), match.group()))
    return sorted(hits, key=lambda hit: (hit.start, -hit.end))


def raised_urgency(current: str, hits: Sequence[Hit], rules: Iterable[Rule]) -> str:
    """The urgency after the hits: the most urgent of the current one and each hit rule's."""
    by_id = {rule.id: rule for rule in rules}
    levels = [current] + [by_id[hit.rule_id].raise_to for hit in hits if hit.rule_id in by_id]
    return max(levels, key=lambda level: URGENCY_ORDER.index(level) if level in URGENCY_ORDER else -1)


def highlight(text: str, hits: Sequence[Hit]) -> str:
    """The text as HTML-escaped markup with each hit in <mark>; overlapping hits are merged."""
    spans: list[list[int]] = []
    for hit in sorted(hits, key=lambda h: h.start):
        if spans and hit.start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], hit.end)
        else:
            spans.append([hit.start, hit.end])
    out, position = [], 0
    for start, end in spans:
        out.append(escape(text[position:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    out.append(escape(text[position:]))
    return "".join(out)
