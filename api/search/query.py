"""User queries made safe for the database's full-text syntax.

Written here because neither database takes arbitrary user text: ``to_tsquery`` and FTS5's
MATCH both fail on stray operators, and PostgreSQL's ``websearch_to_tsquery`` has no prefixes.
Every word is reduced to letters and digits before it is quoted, so no input can be an
operator: the query can only ever mean "these words, phrases and prefixes".
"""

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 16


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # several for a phrase
    prefix: bool = False
    exclude: bool = False


def parse(text: str) -> list[Term]:
    terms: list[Term] = []
    for match in _TOKEN.finditer(text):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if phrase is not None:
            words = tuple(w.lower() for w in _WORD.findall(phrase))
            if words:
                terms.append(Term(words, exclude=bool(negated)))
            continue
        exclude = bare.startswith("-") and len(bare) > 1
        prefix = bare.endswith("*")
        words = tuple(w.lower() for w in _WORD.findall(bare))
        if not words:
            continue
        # "cross-company" is one term of two words, as the index saw it: a phrase.
        terms.append(Term(words, prefix=prefix, exclude=exclude))
    return terms[:MAX_TERMS]


def to_tsquery(terms: list[Term]) -> tuple[str, str] | None:
    """For PostgreSQL's ``to_tsquery('english', …)``: the whole query, and its words to find
    alone (stop words drop out of both: when every word to find is one, the query must match
    nothing, not everything its exclusions leave); None when nothing can match."""
    positive = [t for t in terms if not t.exclude]
    if not positive:
        return None

    def render(term: Term) -> str:
        lexemes = [f"'{w}'" for w in term.words]
        if term.prefix:
            lexemes[-1] += ":*"
        body = " <-> ".join(lexemes)
        return f"!({body})" if term.exclude else f"({body})"

    return " & ".join(render(t) for t in terms), " & ".join(render(t) for t in positive)


def to_fts5(terms: list[Term], *, column: str | None = None) -> str | None:
    """For SQLite FTS5's MATCH (in one ``column`` only, when given); None when nothing can
    match."""
    positive = [t for t in terms if not t.exclude]
    if not positive:
        return None

    def render(term: Term) -> str:
        phrase = '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")
        return f"{column} : {phrase}" if column else phrase

    query = " AND ".join(render(t) for t in positive)
    for term in terms:
        if term.exclude:
            query = f"({query}) NOT {render(term)}"
    return query


# The languages FTS5's own tokenizer stems (Porter): the others are matched on ``stems``.
FTS5_STEMS = frozenset({"english"})


@cache
def _stemmer(language: str) -> Any:
    # Imported when first needed: the package loads every language's stemmer (a tenth of a
    # second), which every process (a CLI command, a server's worker) would pay at start.
    import snowballstemmer

    if language not in snowballstemmer.algorithms():
        return None
    return snowballstemmer.stemmer(language)


def stem_text(text: str, language: str) -> str:
    """``text``'s words reduced by ``language``'s Snowball stemmer (the algorithms
    PostgreSQL's configurations use), for SQLite, whose FTS5 stems English only; "" for
    English, which FTS5 stems itself, and for a language without a stemmer."""
    stemmer = _stemmer(language)
    if language in FTS5_STEMS or stemmer is None:
        return ""
    return " ".join(stemmer.stemWords([w.lower() for w in _WORD.findall(text)]))


def stemmed(terms: list[Term], language: str) -> list[Term]:
    """``terms`` with every word stemmed as ``stem_text`` stems a document (a prefix's last
    word is kept whole: it is the start of a word, not a word)."""
    stemmer = _stemmer(language)
    if stemmer is None:
        return terms
    out = []
    for term in terms:
        whole = term.words[:-1] if term.prefix else term.words
        words = tuple(stemmer.stemWords(list(whole))) + (term.words[-1:] if term.prefix else ())
        out.append(replace(term, words=words))
    return out
