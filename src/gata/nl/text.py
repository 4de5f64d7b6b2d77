"""Words of a question: lower-cased tokens with their positions, a light plural stem, and the filler words
that carry no meaning of their own (so that every other word must be understood, or the question refused)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# words: letters/digits, inner dots kept (facebook.com, t.co), apostrophes dropped; any other non-space
# character is a token of its own so SQL-looking text (; -- ' =) stays visible to the guard
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*|[^\sa-z0-9_]")
_APOSTROPHE = re.compile(r"(?<=[a-z])['’](?:s\b)?")

_STOPWORDS = """
    a an the of for in on at to from with and or by per as into within about what whats which who how many
    much is are was were be been being has have had do does did done our my your their its it this that
    these those there here me us we i you they them show give tell list get find display see view look let
    please can could would will should want need total overall number count amount all each every any some
    data report stats statistics numbers figures value values chart graph plot table breakdown broken down
    split grouped group across so far up until till through during versus vs against compared compare
    comparing than then also just only ever currently current now
    drive drives drove driven driving bring brings brought generate generates generated produce produced
    got gets getting bringing um uh er hey hi hello ok okay well actually basically kindly quick quickly
    roughly approximately exactly thanks thank guys real really
"""
# verbs of asking for a figure ("can you pull ...", "could you fetch me ..."): they say how to hand the
# answer over, never what it is, so a request phrased with one reads as the bare question ("share" is not
# one: "share of spend" asks for a proportion)
_REQUEST_VERBS = """
    pull pulled pulling fetch fetched fetching grab grabbing retrieve retrieving provide providing send
    sending calculate calculating compute computing check checking know wondering wonder mind possible
"""
STOPWORDS = frozenset(_STOPWORDS.split()) | frozenset(_REQUEST_VERBS.split())

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "sixty": 60,
    "ninety": 90,
}


@dataclass(frozen=True)
class Token:
    text: str  # as written, lower-cased
    stem: str  # what phrases are matched on
    start: int  # character offsets in the normalised question
    end: int


def normalise(text: str) -> str:
    """Lower case, possessives and apostrophes dropped, underscores and pipes as spaces."""
    text = _APOSTROPHE.sub("", text.lower().replace("_", " ").replace("|", " "))
    return " ".join(text.split())


def stem(word: str) -> str:
    """Singular form for matching: campaigns/campaign, purchases/purchase, countries/country; short words
    and words ending in 'ss'/'us'/'is' are kept (status, analysis)."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "uses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[Token]:
    """Tokens of an already normalised text."""
    return [Token(m.group(), stem(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def phrase_key(text: str) -> tuple[str, ...]:
    """The stems of a phrase (a label, synonym or data value) as the matcher looks them up."""
    return tuple(t.stem for t in tokens(normalise(text)) if t.text.isalnum() or "." in t.text)
