"""The search keys of a person and of a query (pure).

A person is indexed under every key a user may type: the name in kanji or Latin letters,
its reading in katakana, its romaji, nickname, e-mail, phone digits (and their last 8 and 4
digits) and tags, and each other name the person is known by (an alias: a 旧姓, a romaji
spelling, a name kept from a merged record) with its reading and romaji as well.  A query
token is folded the same way, so that the index answers with a byte-wise prefix range.
Substrings of the full name, reading and romaji are found through a trigram index of those
keys (:func:`name_index` gives them), not through suffix terms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum
from functools import lru_cache
from typing import NamedTuple

import jaconv

from kinmyaku.domain.names import (
    collapse_long_vowels,
    fold_joined,
    fold_text,
    is_kana,
    is_latin,
    joined_romaji,
    kana_to_romaji,
    part_romaji,
    romaji_cut,
    romaji_key,
    shown_romaji,
)
from kinmyaku.domain.readings import complete_readings
from kinmyaku.domain.validate import phone_digits


class Field(IntEnum):
    """What a search term was made from; lower sorts first among equal tiers."""

    NAME = 1
    READING = 2
    ROMAJI = 3
    NICKNAME = 4
    EMAIL = 5
    PHONE = 6
    TAG = 7
    COMPANY = 8


NAME_FIELDS = (Field.NAME, Field.READING, Field.ROMAJI, Field.NICKNAME)

MAX_TERM = 200


class Term(NamedTuple):
    """One row of the search index: a key, its field, where it starts and if it is whole.

    ``cut`` (0: none) is the length of a name part the key starts with: ``高橋健太`` with
    cut 2 is also the whole key ``高橋`` (:func:`two_part_keys`).
    """

    term: str
    field: Field
    pos: int
    whole: bool
    cut: int = 0


class AliasKeys(NamedTuple):
    """Another name of a person (``person_aliases``): searchable like the person's own."""

    family_name: str
    given_name: str = ""
    family_reading: str = ""
    given_reading: str = ""


@dataclass(frozen=True)
class PersonKeys:
    """What of a person is searchable."""

    family_name: str
    given_name: str = ""
    family_reading: str = ""
    given_reading: str = ""
    romaji: str = ""
    nickname: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    aliases: tuple[AliasKeys, ...] = ()
    sort_key: str = ""  # people.sort_key when known (empty: derived, :func:`reading_order`)


def reading_order(keys: PersonKeys) -> str:
    """The person's あいうえお sort key as ``people.sort_key`` holds it (the stored one when
    the keys carry it; else the reading, or the name when there is none): stored with each
    search term (``search_terms.sort_key``)."""
    if keys.sort_key:
        return keys.sort_key
    if keys.family_reading or keys.given_reading:
        return fold_joined(keys.family_reading, keys.given_reading)[:MAX_TERM]
    return fold_joined(keys.family_name, keys.given_name)[:MAX_TERM]


def _suffixes(key: str, field: Field, *, min_len: int, whole: bool = True) -> Iterator[Term]:
    if not key:
        return
    key = key[:MAX_TERM]
    yield Term(key, field, 0, whole)
    for start in range(1, len(key)):
        if len(key) - start >= min_len:
            yield Term(key[start:], field, start, False)


def _latin_min(key: str) -> int:
    return 2 if key.isascii() else 1


def name_terms(keys: PersonKeys) -> Iterator[Term]:
    """Terms for the name, reading and romaji of a person (whole keys and their parts)."""
    return iter(name_index(keys)[0])


def name_index(keys: PersonKeys) -> tuple[list[Term], list[str]]:
    """The name, reading and romaji terms of a person, and the keys searched for substrings.

    Substrings (``hashi`` in Takahashi, 橋 in 高橋) are not stored as suffix terms: the
    full name, reading and romaji keys go to a trigram index instead
    (:mod:`kinmyaku.storage.search_index`).
    """
    terms: list[Term] = []
    inside: list[str] = []
    family, given = fold_text(keys.family_name), fold_text(keys.given_name)
    full = family + given
    if full:
        inside.append(full[:MAX_TERM])
    terms += _whole_terms(Field.NAME, full, given + family, family, given)
    # Each word of a multi-word name part ("Van Dyke", "Mary J") starts a key of its own.
    if not (_ONE_WORD.fullmatch(keys.family_name) and _ONE_WORD.fullmatch(keys.given_name)):
        for word in split_query(f"{keys.family_name} {keys.given_name}"):
            folded = fold_text(word)[:MAX_TERM]
            if folded not in (full, family, given):
                terms.append(Term(folded, Field.NAME, 0, False))

    family_r, given_r = fold_text(keys.family_reading), fold_text(keys.given_reading)
    reading = family_r + given_r
    if reading and reading != full:
        inside.append(reading[:MAX_TERM])
        terms += _whole_terms(Field.READING, reading, given_r + family_r, family_r, given_r)

    terms += _romaji_terms(keys, family_r, given_r, inside)
    if keys.nickname:
        terms.append(Term(fold_text(keys.nickname)[:MAX_TERM], Field.NICKNAME, 0, True))
    return terms, list(dict.fromkeys(inside))


_ONE_WORD = re.compile("[0-9A-Za-z\u3041-\u3094\u30a1-\u30f4\u30fc\u4e00-\u9fff]*")
"""A name part that is one word as it is: ASCII letters and digits, kana, common kanji.

No character of it is a space, nor becomes one (NFKC leaves them as they are), so the
words of such a family and given name are the parts themselves, which have keys already
(the most common names skip splitting them)."""


def _whole_terms(field: Field, joined: str, back: str, first: str, second: str) -> list[Term]:
    """The whole keys of a two-part name or reading (``joined`` is first + second, ``back``
    second + first), cut to MAX_TERM."""
    rows, _ = two_part_keys(joined[:MAX_TERM], back[:MAX_TERM], first[:MAX_TERM], second[:MAX_TERM])
    return [Term(term, field, 0, True, cut) for term, cut in rows]


def two_part_keys(
    joined: str, back: str, first: str, second: str
) -> tuple[list[tuple[str, int]], list[str]]:
    """The rows that find a two-part name by any of its four whole keys, and the parts
    carried as cuts.

    A name is found exactly by ``first + second`` (``joined``), ``second + first``
    (``back``) and each part alone.  A part is the start of the joined key in its order, so
    it needs no row of its own: the joined key's row carries the part's length as its cut
    (``高橋健太`` cut 2 is found by ``高橋``; ``健太高橋`` cut 2 by ``健太``).  A prefix search
    finds a part through the joined key anyway.  A part keeps a row of its own only when no
    joined key can carry it: it does not start one (romaji keys, whose long vowels may join
    across the parts), or the joined key carries another part already (``a`` + ``aa``).
    Returns the rows (key, cut; 0 for none) and the parts carried as cuts.
    """
    if (  # the common case, checked at once: each part starts its joined key, shorter
        first
        and second
        and len(first) < len(joined)
        and len(second) < len(back)
        and joined.startswith(first)
        and back.startswith(second)
        and joined != back
        and first != back
        and second != joined
    ):
        return [(joined, len(first)), (back, len(second))], [first, second]
    rows: dict[str, int] = {}
    for key in (joined, back):
        if key and key not in rows:
            rows[key] = 0
    covered: list[str] = []
    for part, host in ((first, joined), (second, back)):
        if not part or part in rows:
            continue  # no part, or a whole joined key itself
        fits = len(part) < len(host) and host.startswith(part)
        if fits and rows.get(host) in (0, len(part)):
            rows[host] = len(part)
            covered.append(part)
        else:
            rows[part] = 0
    return list(rows.items()), covered


def romaji_terms(keys: PersonKeys, family_r: str, given_r: str) -> Iterator[Term]:
    """Romaji keys: from the kana reading when there is one, else from a Latin name."""
    return iter(_romaji_terms(keys, family_r, given_r, []))


def _romaji_terms(keys: PersonKeys, family_r: str, given_r: str, inside: list[str]) -> list[Term]:
    seen: set[str] = set()
    found: list[Term] = []

    def once(term: str) -> None:
        if term and term not in seen:
            seen.add(term)
            found.append(Term(term, Field.ROMAJI, 0, True))

    if family_r or given_r:
        whole = _joined_key(family_r, given_r)[:MAX_TERM]
        inside.append(whole)
        parts = [_part_romaji_key(part) if part else "" for part in (family_r, given_r)]
        rows, covered = two_part_keys(whole, _joined_key(given_r, family_r)[:MAX_TERM], *parts)
        for term, cut in rows:
            if term not in seen:
                seen.add(term)
                found.append(Term(term, Field.ROMAJI, 0, True, cut))
        seen.update(covered)
    latin_sources = [] if _romaji_of_reading(keys.romaji, family_r, given_r) else [keys.romaji]
    if is_latin(keys.family_name + keys.given_name):
        latin_sources.append(f"{keys.family_name} {keys.given_name}")
        latin_sources.append(f"{keys.given_name} {keys.family_name}")
    for source in latin_sources:
        key = _fast_romaji_key(source)[:MAX_TERM]
        if key:
            once(key)
            inside.append(key)
    if is_latin(keys.given_name):
        once(romaji_key(keys.given_name))
    return found


def _romaji_of_reading(romaji: str, family_r: str, given_r: str) -> bool:
    """True when ``romaji`` is the reading's romaji as shown (``names.shown_romaji``), whose
    key is the whole romaji key already: most people's, when it was made from the reading.

    The shown parts, lower-cased without the space, are the joined romaji when the join is
    a cut of it (or there is one part only), and the key drops what is neither a letter
    nor a digit either way (tests/unit/test_search_keys_fast.py compares the two)."""
    if not romaji or not (romaji_cut(family_r, given_r) or not (family_r and given_r)):
        return False
    return romaji == shown_romaji(family_r, given_r, part_romaji)


_NOT_KEY_CHAR = re.compile(r"[^a-z0-9]")


def _fast_romaji_key(romaji: str) -> str:
    """names.romaji_key, without its regex passes when the text has nothing to collapse."""
    if not romaji.isascii():
        return romaji_key(romaji)
    key = romaji.lower()
    if not key.isalnum():
        key = _NOT_KEY_CHAR.sub("", key)
    return collapse_long_vowels(key)


@lru_cache(maxsize=65536)
def _part_romaji_key(part: str) -> str:
    return _fast_romaji_key(part_romaji(part))


_VOWELS = frozenset("aiueo")
_JOINS = frozenset("aiueoh")  # a key part starting with one of these may collapse into the other


def _joined_key(first: str, second: str) -> str:
    """``_fast_romaji_key(joined_romaji(first, second))``, from the parts' cached keys.

    That is exact when the first part's romaji ends in a vowel and the second's starts
    with a letter or digit that is neither a vowel nor h: no long vowel (ou, aa ...), oh,
    m before b/m/p or tch can then span the join, so the join's key is the parts' keys
    joined (tests/unit/test_search_keys_fast.py compares the two).  Otherwise, or when
    the join is no cut of the romaji, it is computed in full.
    """
    if romaji_cut(first, second):
        head, tail = part_romaji(first), part_romaji(second)
        if (
            head.isascii()
            and tail.isascii()
            and head[-1].lower() in _VOWELS
            and tail[0].isalnum()
            and tail[0].lower() not in _JOINS
        ):
            return _part_romaji_key(first) + _part_romaji_key(second)
    return _fast_romaji_key(joined_romaji(first, second))


def contact_terms(keys: PersonKeys) -> Iterator[Term]:
    """Terms for e-mails (whole, and the domain), phone digits and tags.

    The local part (``kenta`` of ``kenta@example.jp``) needs no term of its own: the whole
    address starts with it, and the search looks e-mails up by prefix.
    """
    for email in keys.emails:
        folded = unicodedata.normalize("NFKC", email).strip().lower()
        domain = folded.partition("@")[2]
        for part in dict.fromkeys((folded, domain)):
            if part:
                yield Term(part[:MAX_TERM], Field.EMAIL, 0, part == folded)
    for phone in keys.phones:
        digits = phone_digits(phone)
        national = "0" + digits[2:] if digits.startswith("81") else digits
        if not national:
            continue
        # The whole number, and its last 8 and 4 digits (a number without the area code,
        # 下4桁): what people type when they search by phone.
        yield Term(national, Field.PHONE, 0, True)
        for tail in (8, 4):
            if len(national) > tail:
                yield Term(national[-tail:], Field.PHONE, len(national) - tail, False)
        if national != digits:
            yield Term(digits, Field.PHONE, 0, True)
    for tag in keys.tags:
        yield Term(fold_text(tag)[:MAX_TERM], Field.TAG, 0, True)


def person_terms(keys: PersonKeys) -> list[Term]:
    """Every distinct search term of a person."""
    return person_index(keys)[0]


def person_index(keys: PersonKeys) -> tuple[list[Term], list[str]]:
    """Every distinct search term of a person, and the keys searched for substrings."""
    names, inside = name_index(keys)
    unique: dict[tuple[str, int, int], Term] = {}
    for terms in (names, contact_terms(keys)):
        for term in terms:
            # Field is an IntEnum: it hashes and compares as its int.
            unique.setdefault((term.term, term.field, term.pos), term)
    if keys.aliases:
        inside = _add_aliases(keys.aliases, unique, inside)
    return list(unique.values()), inside


def alias_keys(alias: AliasKeys) -> PersonKeys:
    """The name keys of an alias, with readings inferred as a person's are when it has none
    (``services.people.name_columns``): a 旧姓 渡辺 is found by わたなべ and watanabe too."""
    family_r, given_r, _ = complete_readings(
        alias.family_name, alias.given_name, alias.family_reading, alias.given_reading
    )
    return PersonKeys(alias.family_name, alias.given_name, family_r, given_r)


def _add_aliases(
    aliases: Iterable[AliasKeys], unique: dict[tuple[str, int, int], Term], inside: list[str]
) -> list[str]:
    """Add the name terms of each alias to ``unique``; the substring keys with theirs.

    Stored in the name fields, an alias's keys rank as the person's own name does.  A key
    the person has already (one row per key, field and position) becomes whole when the
    alias's is, and a name part the alias's key carries as its cut gets a row of its own
    when the stored key carries another (``two_part_keys``).
    """
    found = list(inside)
    for alias in aliases:
        if not alias.family_name and not alias.given_name:
            continue
        terms, keys = name_index(alias_keys(alias))
        found += keys
        for term in terms:
            slot = (term.term, term.field, term.pos)
            have = unique.get(slot)
            if have is None:
                unique[slot] = term
                continue
            if term.whole and not have.whole:
                unique[slot] = have = have._replace(whole=True)
            if term.cut and not have.cut:
                unique[slot] = have._replace(cut=term.cut)
            elif term.cut and term.cut != have.cut:
                part = Term(term.term[: term.cut], term.field, term.pos, True)
                unique.setdefault((part.term, part.field, part.pos), part)
    return list(dict.fromkeys(found))


def matched_alias(query: str, keys: PersonKeys) -> AliasKeys | None:
    """The alias a query found a person by: the first that matches a query word the
    person's own name does not (None when the own name, or no name, explains the match)."""
    if not keys.aliases:
        return None
    words = [query_keys(token) for token in split_query(query)]
    own = name_index(replace(keys, aliases=()))
    missing = [found for found in words if not name_matches(found, own)]
    if not missing:
        return None
    for alias in keys.aliases:
        index = name_index(alias_keys(alias))
        if any(name_matches(found, index) for found in missing):
            return alias
    return None


def name_matches(found: Sequence[str], index: tuple[list[Term], list[str]]) -> bool:
    """Whether a query word's keys start a name term or are inside a name key."""
    terms, inside = index
    return any(t.term.startswith(key) for key in found for t in terms) or any(
        key in text for key in found for text in inside
    )


def organization_terms(name: str, reading: str) -> list[Term]:
    """Terms for a company name and its reading, with suffixes."""
    terms: dict[tuple[str, int], Term] = {}
    name_key = fold_text(name)
    for term in _suffixes(name_key, Field.COMPANY, min_len=_latin_min(name_key)):
        terms.setdefault((term.term, term.pos), term)
    if reading:
        reading_key = fold_text(reading)
        for term in _suffixes(reading_key, Field.COMPANY, min_len=1):
            terms.setdefault((term.term, term.pos), term)
        romaji = romaji_key(kana_to_romaji(reading))
        for term in _suffixes(romaji, Field.COMPANY, min_len=2):
            terms.setdefault((term.term, term.pos), term)
    if is_latin(name):
        romaji = romaji_key(name)
        for term in _suffixes(romaji, Field.COMPANY, min_len=2):
            terms.setdefault((term.term, term.pos), term)
    return list(terms.values())


def query_keys(token: str) -> list[str]:
    """The keys a query token is looked up under (folded text, and romaji when Latin)."""
    keys: list[str] = []
    folded = fold_text(token)
    if folded:
        keys.append(folded[:MAX_TERM])
    if is_latin(token):
        romaji = romaji_key(token)
        if romaji and romaji not in keys:
            keys.append(romaji[:MAX_TERM])
        hepburn = kunrei_to_hepburn(romaji)
        if hepburn and hepburn not in keys:
            keys.append(hepburn[:MAX_TERM])
    if "@" in token or "." in token:
        raw = unicodedata.normalize("NFKC", token).strip().lower()[:MAX_TERM]
        if raw and raw not in keys:
            keys.append(raw)
    digits = phone_digits(token)
    if len(digits) >= 4 and len(digits) >= len(folded) - 3:
        if digits.startswith("81") and token.strip().startswith("+"):
            digits = "0" + digits[2:]
        if digits not in keys:
            keys.append(digits)
    if is_kana(token):
        romaji = romaji_key(kana_to_romaji(token))
        if romaji and romaji not in keys:
            keys.append(romaji)
    return keys


_KANA_HEAD = re.compile(r"[a-z]*[aiueo]")
"""The part of a romaji key up to its last vowel: whole syllables (a tail of consonants is
a syllable being typed)."""


_KUNREI = re.compile(r"si|ti|tu|(?<![sc])hu|zi|di|du|sy|ty|zy|dy")
"""Syllables only Kunrei and Nihon-shiki spell so (Hepburn: shi, chi, tsu, fu, ji, sha ...):
without one, a word is left as typed (``anna`` is not あな)."""
_NOT_FIRST = frozenset("ぁぃぅぇぉゃゅょゎっんー")
"""Kana no word starts with: letters that are not syllables (``smith``, ``nsa``)."""


@lru_cache(maxsize=4096)
def kunrei_to_hepburn(key: str) -> str:
    """The Hepburn key of a romaji key typed in Kunrei or Nihon-shiki (``takahasi`` ->
    ``takahashi``, ``syouta`` -> ``shota``, ``tyou`` -> ``cho``, ``hukuda`` -> ``fukuda``,
    ``zyun`` -> ``jun``); empty when it is not romaji of kana or is Hepburn already.

    The whole syllables are read as kana and spelled again in Hepburn, as a reading's
    romaji is; a consonant typed last stays as it is (``takahas`` is being typed).
    """
    head = _KANA_HEAD.match(key)
    if head is None or not key.isascii() or not _KUNREI.search(head.group()):
        return ""
    kana = str(jaconv.alphabet2kana(head.group()))
    if not is_kana(kana) or kana[0] in _NOT_FIRST or kana[-1] == "っ":
        return ""
    hepburn = romaji_key(kana_to_romaji(kana) + key[head.end() :])
    return hepburn if hepburn != key and "x" not in hepburn else ""


_PHONE_LIKE = re.compile(r"\+?[\d\s\-()ー‐−]+")


def split_query(query: str) -> list[str]:
    """Tokens of a query: words separated by spaces (ASCII or ideographic)."""
    text = unicodedata.normalize("NFKC", query).strip()
    if _PHONE_LIKE.fullmatch(text) and len(phone_digits(text)) >= 4:
        return [re.sub(r"\s+", "", text)]
    return [token for token in text.split() if _searchable(token)]


def _searchable(token: str) -> bool:
    """A token with at least one character that is not a lone combining mark."""
    return any(not unicodedata.combining(ch) for ch in fold_text(token))


def unique_terms(terms: Iterable[Term]) -> list[Term]:
    """Drop repeated (term, field, pos) triples, keeping the first."""
    seen: dict[tuple[str, int, int], Term] = {}
    for term in terms:
        seen.setdefault((term.term, int(term.field), term.pos), term)
    return list(seen.values())
