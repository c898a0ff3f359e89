"""Fellegi–Sunter scoring: how likely two records are one person, and why.

For each comparison (name, e-mail, phone, company, birthday, profile URL, address, the
record itself) a pair falls into one level.  A level has ``m``, the chance of it when the
two records are one person, and ``u``, its chance when they are two people.  The match
weight adds ``log2(m / u)`` over the comparisons to the prior odds ``log2(λ / (1 - λ))``
(λ: the chance that two people picked at random are one, ``1 / size``):

    W = log2(λ / (1 - λ)) + Σ log2(m_i / u_i)        P(one person) = 1 / (1 + 2^-W)

``u`` is estimated from the user's own people (random pairs, ``estimate_u``); for an
agreeing name it is the share of people with that name (term-frequency adjustment: 佐藤 健
agreeing is weaker evidence than 小鳥遊 蓮).  ``m`` is set below.  Values held by several
differently named people (a company line, a fax, info@, a family's home) and placeholder
numbers never count: ``Population.shared``.  An agreement on a guessed reading counts
less than on a stated one.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import extractOne

from kinmyaku.domain.identity.absent import number_absent, title_absent
from kinmyaku.domain.identity.candidates import AUTO_MERGE, Reason
from kinmyaku.domain.identity.keys import company_key, skeletons_near
from kinmyaku.domain.identity.namesakes import namesakes_checked, namesakes_known
from kinmyaku.domain.identity.profile import (
    MIN_SIZE,
    Features,
    NameForm,
    Population,
    company_sounds,
    holder_key,
)
from kinmyaku.domain.identity.titles import title_keys
from kinmyaku.domain.names import is_kana

# (comparison, level) -> (m, default u, smallest u an estimate may give).
LEVELS: dict[tuple[str, str], tuple[float, float, float]] = {
    ("name", "exact"): (0.70, 0.001, 1e-6),
    ("name", "sound"): (0.22, 0.001, 1e-6),
    ("name", "sound_cross"): (0.80, 0.001, 1e-6),
    ("name", "sound_guess"): (0.04, 0.002, 1e-5),
    ("name", "sound_guess_cross"): (0.45, 0.001, 1e-6),
    ("name", "close"): (0.05, 0.002, 1e-4),
    ("name", "fuzzy"): (0.03, 0.005, 1e-4),
    ("name", "partial"): (0.01, 0.005, 1e-4),
    ("name", "family_only"): (0.004, 0.03, 1e-3),
    ("name", "given_only"): (0.008, 0.01, 1e-3),
    ("name", "different"): (0.002, 0.95, 0.5),
    ("email", "same"): (0.55, 1e-7, 1e-7),
    ("email", "typo"): (0.05, 1e-3, 1e-4),
    ("email", "different"): (0.40, 0.99, 0.5),
    ("phone", "same_mobile"): (0.60, 1e-7, 1e-7),
    ("phone", "same_line"): (0.25, 1e-5, 1e-6),
    ("phone", "same_line_pair"): (0.25, 0.01, 1e-3),
    ("phone", "different_mobile"): (0.05, 0.99, 0.5),
    ("phone", "absent"): (0.02, 0.05, 1e-3),
    ("company", "same"): (0.55, 0.02, 1e-4),
    ("company", "different"): (0.35, 0.97, 0.5),
    ("birthday", "same"): (0.90, 1 / 3650, 1e-5),
    ("birthday", "close"): (0.06, 0.003, 1e-5),
    ("birthday", "different"): (0.04, 0.99, 0.5),
    ("url", "same"): (0.90, 1e-7, 1e-7),
    ("url", "different"): (0.03, 0.99, 0.5),
    ("address", "same"): (0.55, 1e-4, 1e-6),
    ("address", "same_pair"): (0.55, 0.01, 1e-3),
    ("address", "close"): (0.25, 1e-3, 1e-5),
    ("address", "near"): (0.10, 0.01, 1e-4),
    ("address", "postcode"): (0.05, 0.005, 1e-4),
    ("address", "different"): (0.10, 0.99, 0.5),
    ("record", "same"): (0.30, 1e-8, 1e-9),
    ("title", "same"): (0.55, 0.10, 0.01),
    ("title", "different"): (0.45, 0.90, 0.5),
    ("title", "absent"): (0.05, 0.10, 1e-3),
    ("book", "same"): (0.3, 0.3, 1e-3),
    ("book", "different"): (0.7, 0.7, 1e-3),
    ("namesake", "none"): (0.95, 0.06, 0.06),
    ("namesake", "known"): (0.05, 0.75, 0.5),
}

STRONG = frozenset(
    {
        ("email", "same"),
        ("phone", "same_mobile"),
        ("phone", "same_line"),
        ("url", "same"),
        ("birthday", "same"),
        ("address", "same"),
        ("record", "same"),
    }
)
"""Levels that are evidence of one person on their own; a name counts with its company."""

AGAINST_NAME = frozenset({("title", "different")})
"""Levels that keep a common name at its company from counting as strong evidence."""

ABSENT = (("phone", "absent"), ("title", "absent"))
"""Levels of a value one record lacks though its book usually holds it (``absent``): they
join AGAINST_NAME when the model weighs them against a pair by AGAINST_BITS or more."""

AGAINST_BITS = -1.0
"""An ABSENT level this many bits against a pair (or more) keeps a name at a company alone
from counting as strong evidence."""

RARE_NAME = 5e-5
"""A name rarer than this (the chance that someone else has it) counts with a company or
an address as strong evidence; a commoner one (佐藤 健: 1.5 % x 0.5 %) does not."""

UNCHECKED_BAR = 0.995
"""The probability a pair needs to merge without asking when all it has is a name at a
company (or an address) whose records could not have shown a second person of that name
there (``_UNCHECKED``): twice as sure as AUTO_MERGE, since nothing was ever checked."""

BELOW_AUTO_MERGE = 0.98
"""The probability a pair without strong evidence is given when it scores higher."""


def identified(levels: Sequence[Level]) -> bool:
    """Whether a pair shares something only one person has (an e-mail, a mobile, a profile,
    a birthday …), not only a name at a company: what an import needs to join a record to
    a person while it cannot yet see who else the file holds."""
    found = {(level.comparison, level.level) for level in levels}
    return bool(found & STRONG) and strong(levels)


def strong(levels: Sequence[Level], against: frozenset[tuple[str, str]] = AGAINST_NAME) -> bool:
    """Whether a pair has evidence strong enough to merge it without asking.

    One of: a personal e-mail, a mobile or a line no one else holds, a profile URL, a
    birthday, an address no one else holds, the very same record; or a name that agrees
    in full (written or by its reading, or but for a typo in Latin letters) at the same
    company or the same address, and is not a common name (RARE_NAME: 佐藤 健 is not).
    A common name counts too when the user's people show no other person of that name at
    that company (``namesakes``) and nothing of the two records disagrees: not their
    titles, and neither lacks what its address book usually holds while the other shows
    it (a phone's entry with no number against a card with a mobile: ``absent``) when
    the model has learned that this weighs against a pair (``against``); a name known to
    be two people there never does; nor do two entries of one address book (one phone's
    contacts, one Eight export) that share nothing but a name and a company: a book holds
    a person once, or twice on purpose.
    Nothing strong may disagree: different birthdays or profiles on one site.
    """
    found = {(level.comparison, level.level) for level in levels}
    if found & {("birthday", "different"), ("url", "different")}:
        return False
    if found & STRONG:
        return True
    if ("namesake", "known") in found:
        return False
    # A common name alone at its company counts when nothing says otherwise: two titles
    # at one company (執行役員 / Consultant) may be two people of that name, and so may a
    # card with a mobile and a phone's entry with no number (``absent``).
    alone = ("namesake", "none") in found and not found & against
    named = any(
        level.comparison == "name"
        and level.level in NAMED
        and (alone or level.u is None or level.u <= RARE_NAME)
        for level in levels
    )
    placed = found & {
        ("company", "same"),
        ("address", "same_pair"),
        ("address", "close"),
    }
    if placed == {("company", "same")} and ("book", "same") in found:
        return False  # two entries of one address book, alike only in name and company
    return bool(named and placed)


def unchecked_name(levels: Sequence[Level]) -> bool:
    """Whether a pair rests on a name at a company that none of its records could have
    told apart from a namesake: it holds nothing only one person has (an e-mail, a
    mobile, a profile, a birthday …) and ``_UNCHECKED`` is among its levels."""
    found = {(level.comparison, level.level) for level in levels}
    return ("namesake_seen", "unchecked") in found and not found & STRONG


NAMED = frozenset({"exact", "sound", "sound_cross", "sound_guess_cross", "close"})
"""Name levels that say the whole name agrees (written, by its reading, or but for a typo)."""


MIN_PRIOR_SIZE = MIN_SIZE
"""The prior λ is 1 / max(size, this): a small address book is no reason to merge sooner."""

WEIGHT_RANGE = (-12.0, 24.0)
"""Bounds of one comparison's weight: no one field decides alone beyond this."""


@dataclass(frozen=True, slots=True)
class Level:
    """Where a pair falls in one comparison, with what to say about it."""

    comparison: str
    level: str
    msgid: str = ""
    params: tuple[tuple[str, str], ...] = ()
    u: float | None = None
    """A u of this pair's own (the name's frequency), instead of the estimated one."""


_UNKNOWN_NAME = Level("name", "unknown")
_UNKNOWN_EMAIL = Level("email", "unknown")
_UNKNOWN_PHONE = Level("phone", "unknown")
_UNKNOWN_COMPANY = Level("company", "unknown")
_UNKNOWN_BIRTHDAY = Level("birthday", "unknown")
_UNKNOWN_URL = Level("url", "unknown")
_UNKNOWN_ADDRESS = Level("address", "unknown")
_UNKNOWN_TITLE = Level("title", "unknown")
"""The levels of a comparison one record has nothing for (one object each: a pair of
random people mostly falls in these, and ``estimate_u`` compares 20,000 of them)."""
_NO_NAMESAKE = Level("namesake", "none")
_UNCHECKED = Level(
    "namesake_seen",
    "unchecked",
    "No record could show whether another person of this name works there",
)
"""A name at a company that no two records of it could have told apart (``namesakes``):
not in LEVELS, it weighs nothing; it raises the bar of a merge on the name (UNCHECKED_BAR)."""
_ABSENT_PHONE = Level("phone", "absent", "One has a mobile; the other's entry has no number")


def _jw(a: str, b: str) -> float:
    return float(JaroWinkler.similarity(a, b)) if a and b else 0.0


def _typed_sound(name: NameForm) -> bool:
    """Whether a name is written as it sounds (in Latin letters or in kana only)."""
    return name.latin or is_kana(name.family + name.given)


def _sound_level(a: NameForm, b: NameForm) -> str:
    """Names that sound the same: in two scripts (高橋 健太 / Kenta Takahashi, or タカハシ
    ケンタ in a phone) that is all they can agree on; in one script, less than being
    written the same."""
    cross = a.latin != b.latin or _typed_sound(a) != _typed_sound(b)
    if not (a.sound_stated and b.sound_stated):
        # A guessed reading that meets a romaji spelling typed by someone else is a guess
        # confirmed; two kanji names that share only a guessed reading are not.
        return "sound_guess_cross" if cross else "sound_guess"
    return "sound_cross" if cross else "sound"


def _one_part(a: NameForm, b: NameForm, latin: bool, family_same: bool) -> str:
    """The level of two names one of which has one part only (no given name on the card)."""
    short, full = (a, b) if not a.given else (b, a)
    sound = short.family_sound
    if not short.given and not full.given:
        close = latin and _jw(sound, full.family_sound) >= 0.9
        return "close" if close else "different"
    parts = (full.family_sound, full.given_sound)
    if family_same or (sound and sound in parts) or short.family in (full.family, full.given):
        return "partial"
    if latin and max(_jw(sound, part) for part in parts) >= 0.9:
        return "partial"
    return "different"


def _pair_names(a: NameForm, b: NameForm, similar: bool = True) -> tuple[str, float]:
    """The level of two names (before frequency) and how similar they sound (0-1; without
    ``similar``, 0 for names not both in Latin letters: only their level is wanted)."""
    if a.written and a.written == b.written and a.given and b.given:
        return "exact", 1.0
    best = ""
    sounds_a = (a.family_sound, a.given_sound)
    for fb, gb in ((b.family_sound, b.given_sound), (b.given_sound, b.family_sound)):
        fa, ga = sounds_a
        if fa and ga and fa == fb and ga == gb:
            return _sound_level(a, b), 1.0
        if fa and fb and fa + ga == fb + gb:
            return _sound_level(a, b), 1.0
    family_same = (bool(a.family) and (a.family == b.family)) or (
        bool(a.family_sound) and a.family_sound == b.family_sound
    )
    given_same = (bool(a.given) and a.given == b.given) or (
        bool(a.given_sound) and a.given_sound == b.given_sound
    )
    # Typos are a thing of names typed in Latin letters; Japanese names one sound apart
    # (ゆか / ゆた, かわい / かわしま) are other names.
    latin = a.latin and b.latin
    straight = swapped = (0.0, 0.0)
    if latin or similar:
        straight = (_jw(a.family_sound, b.family_sound), _jw(a.given_sound, b.given_sound))
        swapped = (_jw(a.family_sound, b.given_sound), _jw(a.given_sound, b.family_sound))
    jf, jg = max(straight, swapped, key=sum)
    if latin:  # a part with a typo in it is still that part
        family_same = family_same or (bool(a.given_sound) and straight[0] >= 0.9)
        given_same = given_same or (bool(a.given_sound) and straight[1] >= 0.9)
    one_same = family_same or given_same
    if not (a.given and b.given):
        best = _one_part(a, b, latin, family_same)
    elif family_same and (not a.given or not b.given):
        best = "partial"
    elif latin and ((one_same and min(jf, jg) >= 0.9) or min(jf, jg) >= 0.93):
        best = "close"
    elif latin and ((one_same and min(jf, jg) >= 0.75) or min(jf, jg) >= 0.85):
        best = "fuzzy"
    elif family_same:
        best = "family_only"
    elif given_same:
        best = "given_only"
    else:
        best = "different"
    return best, (jf + jg) / 2


_NAME_ORDER = (
    "exact",
    "sound_cross",
    "sound",
    "sound_guess_cross",
    "sound_guess",
    "close",
    "fuzzy",
    "partial",
    "given_only",
    "family_only",
)


_NAME_RANK = {level: rank for rank, level in enumerate(_NAME_ORDER)}


def shown_name(feature: Features) -> str:
    """The person's name as shown (made once a person: reasons name both people)."""
    if not feature.shown:
        feature.shown = feature.profile.display_name()
    return feature.shown


def compare_names(a: Features, b: Features, population: Population) -> Level:
    """The best agreement between any name of ``a`` and any name of ``b``."""
    if not (a.named and b.named):
        return _UNKNOWN_NAME
    if len(a.names) == 1 and len(b.names) == 1:  # most people: one name each
        na, nb = a.names[0], b.names[0]
        level, _ = _pair_names(na, nb, similar=False)
    else:
        best: tuple[int, float, NameForm, NameForm, str] | None = None
        for name_a in a.names:
            for name_b in b.names:
                found, similarity = _pair_names(name_a, name_b)
                rank = _NAME_RANK.get(found, len(_NAME_ORDER))
                if best is None or (rank, -similarity) < (best[0], -best[1]):
                    best = (rank, similarity, name_a, name_b, found)
        assert best is not None
        _, _, na, nb, level = best
    params = (("a", shown_name(a)), ("b", shown_name(b)))
    if level == "exact":
        pair = (a.id, b.id)
        freq = population.name_frequency(na, pair)
        return Level("name", level, "Same name {a}", params[:1], freq)
    if level.startswith("sound"):
        pair = (a.id, b.id)
        freq = population.name_frequency(na, pair) + population.name_frequency(nb, pair)
        guessed = level.startswith("sound_guess")
        msgid = "{a} = {b} (guessed reading)" if guessed else "{a} = {b} (reading)"
        return Level("name", level, msgid, params, min(freq, 1.0))
    part_u = None
    if level in ("family_only", "given_only"):
        # The one part that agrees, weighed by how common it is (Green is weaker than
        # Wojciechowski, 佐藤 than 小鳥遊), as Splink's term-frequency adjustments do.
        part_u = population.part_frequency(na, "f" if level == "family_only" else "g")
    return Level("name", level, _NAME_MSGIDS[level], params, part_u)


_NAME_MSGIDS = {
    "close": "Names almost the same ({a} / {b})",
    "fuzzy": "Names alike ({a} / {b})",
    "partial": "One name is incomplete ({a} / {b})",
    "family_only": "Same family name, different given name ({a} / {b})",
    "given_only": "Same given name, different family name ({a} / {b}): a married name?",
    "different": "Different names ({a} / {b})",
}


def _one(values: frozenset[str]) -> str:
    return sorted(values)[0]


def _names_meet(a: Features, b: Features) -> bool:
    """Whether two people's names share a part (a family or a given name), or one has none.

    A mobile or a personal e-mail in common is evidence only then: a 旧姓 keeps the given
    name, a new given name spelling keeps the family name; two wholly different names on
    one number are a shared phone.
    """
    if not (a.named and b.named):
        return True
    for na in a.names:
        for nb in b.names:
            parts_a = {na.family, na.given, na.family_sound, na.given_sound} - {""}
            parts_b = {nb.family, nb.given, nb.family_sound, nb.given_sound} - {""}
            if parts_a & parts_b:
                return True
    return False


def _own(
    kind: str, values: frozenset[str], a: Features, b: Features, population: Population
) -> tuple[list[str], list[str], list[str]]:
    """Of the values two people have in common: those that identify one person, those only
    this pair holds under two names, and those others share too.

    A value is shared when differently named people hold it: more than the two of this
    pair (a company line, a fax, an office), or the two of this pair when their names
    differ (a family's home, or one person with a typo in a name: weak evidence).
    Personal values (mobiles, e-mails) may stay with one person under a changed name
    (``_names_meet``).
    """
    same_holder = holder_key(a) == holder_key(b)
    personal = kind in ("mobile", "email")
    own: list[str] = []
    pair: list[str] = []
    shared: list[str] = []
    for value in sorted(values):
        holders = population.shared("phone" if kind == "mobile" else kind, value)
        if (same_holder and holders <= 1) or (holders <= 2 and personal and _names_meet(a, b)):
            own.append(value)
        elif holders <= 2 and not same_holder and not personal:
            pair.append(value)
        else:
            shared.append(value)
    return own, pair, shared


def _apart(a: Features, b: Features) -> bool:
    """Whether two records hold nothing personal in common and each her own mobile, or,
    in one address book, each her own e-mail (none a typo of the other's): two people, as
    far as they show.

    Then a fixed line or an address that only their name holds is no evidence between
    them: it is one person's only while nothing says there are two, and two namesakes at
    one company share its main line and office (two Eight cards of 中村 香織, one with her
    yahoo address, the other with the company address and a mobile, both with TEL会社).
    A person's e-mails differ from book to book (the company address on her card, her
    gmail in the phone), so only one book's two addresses set two records apart.  A
    different birthday or profile says so already (``strong``), and a birthday with a
    typo in it must not take a home address's weight away too (Febrl).
    """
    if a.mobiles & b.mobiles or a.emails & b.emails or a.urls & b.urls:
        return False
    if a.mobiles and b.mobiles:
        return True
    return bool(
        a.emails
        and b.emails
        and a.profile.books & b.profile.books
        and not skeletons_near(a.skeletons, b.skeletons)
    )


def compare_emails(a: Features, b: Features, population: Population) -> Level:
    """Personal addresses held by no one else in common, a near miss, or different ones."""
    if not (a.emails and b.emails):
        return _UNKNOWN_EMAIL
    common = a.emails & b.emails
    own, pair, shared = _own("email", common, a, b, population)
    shared += pair
    if own:
        return Level("email", "same", "Same e-mail {email}", (("email", own[0]),))
    if shared:
        return Level(
            "email", "shared", "Shared address {email}: not evidence", (("email", shared[0]),)
        )
    if skeletons_near(a.skeletons, b.skeletons) and _names_meet(a, b):
        near = (_one(a.emails), _one(b.emails))
        return Level(
            "email",
            "typo",
            "E-mails almost the same ({a} / {b}): a typo?",
            (("a", near[0]), ("b", near[1])),
        )
    if a.emails and b.emails:
        return Level("email", "different", "Different e-mails")
    return _UNKNOWN_EMAIL


def compare_phones(a: Features, b: Features, population: Population) -> Level:
    """A mobile or line no one else holds in common, or two different mobiles."""
    if not (a.phones and b.phones):  # nothing in common, nor two mobiles
        if (a.mobiles or b.mobiles) and number_absent(a, b, population):
            return _ABSENT_PHONE
        return _UNKNOWN_PHONE
    common = a.phones & b.phones
    mobiles, _, shared_mobiles = _own("mobile", common & a.mobiles, a, b, population)
    if mobiles:
        return Level("phone", "same_mobile", "Same mobile {phone}", (("phone", mobiles[0]),))
    lines, pair, shared = _own("phone", common - a.mobiles, a, b, population)
    if lines and _apart(a, b):
        shared += lines  # two namesakes on their company's main line
        lines = []
    if lines:
        return Level("phone", "same_line", "Same phone {phone}", (("phone", lines[0]),))
    if pair:
        return Level(
            "phone",
            "same_line_pair",
            "Same phone {phone} (no one else has it)",
            (("phone", pair[0]),),
        )
    shared += shared_mobiles
    if a.mobiles and b.mobiles and not (a.mobiles & b.mobiles):
        return Level("phone", "different_mobile", "Different mobiles")
    if shared:
        number = sorted(shared)[0]
        count = max(population.shared("phone", number), 2)
        return Level(
            "phone",
            "shared",
            "Shared number {phone} (held by {count} people): not evidence",
            (("phone", number), ("count", str(count))),
        )
    if a.mobiles and b.mobiles:
        return Level("phone", "different_mobile", "Different mobiles")
    if number_absent(a, b, population):
        return _ABSENT_PHONE
    return _UNKNOWN_PHONE


def compare_companies(a: Features, b: Features, population: Population) -> Level:
    """The same company: a name without its legal form, a company e-mail domain, the
    sound of a name in katakana or English, or two names the user's own people show to be
    one company (``learn_company_aliases``)."""
    ca, cb = a.profile.companies, b.profile.companies
    if not (ca and cb) and not (a.domains and b.domains):
        return _UNKNOWN_COMPANY
    common = a.companies & b.companies
    aliases = population.company_aliases
    learned = bool(aliases) and bool(
        {aliases.get(k, k) for k in a.companies} & {aliases.get(k, k) for k in b.companies}
    )
    if common or learned or (a.domains & b.domains) or (company_sounds(a) & company_sounds(b)):
        company = next((c for c in ca if company_key(c) in common), ca[0] if ca else "")
        company = company or _one(a.domains & b.domains)
        key = _one(common) if common else ""
        u = population.company_frequency(key) if key else None
        return Level("company", "same", "Same company {company}", (("company", company),), u)
    if a.companies and b.companies:
        return Level(
            "company",
            "different",
            "Different companies ({a} / {b}): a job change?",
            (("a", ca[0]), ("b", cb[0])),
        )
    return _UNKNOWN_COMPANY


def _close_dates(a: date, b: date) -> bool:
    if (a.month, a.day) == (b.day, b.month) and a.year == b.year:
        return True
    same = sum((a.year == b.year, a.month == b.month, a.day == b.day))
    return same == 2


def compare_birthdays(a: Features, b: Features) -> Level:
    """The same birthday, one part different (a typo), or different."""
    if a.birthday is None or b.birthday is None:
        return _UNKNOWN_BIRTHDAY
    if a.birthday == b.birthday:
        return Level(
            "birthday", "same", "Same birthday {date}", (("date", a.birthday.isoformat()),)
        )
    if _close_dates(a.birthday, b.birthday):
        return Level("birthday", "close", "Birthdays almost the same")
    return Level("birthday", "different", "Different birthdays")


def compare_urls(a: Features, b: Features) -> Level:
    """The same profile (LinkedIn …), or two different profiles on one site."""
    if not (a.urls and b.urls):
        return _UNKNOWN_URL
    common = a.urls & b.urls
    if common:
        return Level("url", "same", "Same profile {url}", (("url", _one(common)),))
    sites_a = {u.rsplit("/", 1)[0] for u in a.urls}
    sites_b = {u.rsplit("/", 1)[0] for u in b.urls}
    if sites_a & sites_b:
        return Level("url", "different", "Different profiles on one site")
    return _UNKNOWN_URL


_JW = JaroWinkler.similarity
_NO_WORDS: frozenset[str] = frozenset()


def _word_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of words two addresses have in common, a word with a typo counting too."""
    same = a & b
    matched = len(same)
    rest_b = b - same if len(same) < len(b) else _NO_WORDS
    if rest_b:
        for word in a - same:  # one C loop over b's words a word (extractOne)
            if len(word) >= 4 and extractOne(word, rest_b, scorer=_JW, score_cutoff=0.88):
                matched += 1
    return matched / max(len(a), len(b))


def compare_addresses(a: Features, b: Features, population: Population) -> Level:
    """The same address (not a family home or an office several people share), or close."""
    if not (a.address_words and b.address_words):
        return _UNKNOWN_ADDRESS
    common = a.addresses & b.addresses
    if common:
        own, pair, _ = _own("address", common, a, b, population)
        if own and _apart(a, b):
            own = []  # two namesakes' office
        if own:
            return Level("address", "same", "Same address")
        if pair:
            return Level("address", "same_pair", "Same address (no one else has it)")
        return Level("address", "shared", "Shared address: not evidence")
    jaccard = _word_similarity(a.address_words, b.address_words)
    if jaccard >= 0.7:
        return Level("address", "close", "Addresses almost the same")
    if jaccard >= 0.4:
        return Level("address", "near", "Addresses alike")
    if a.postcodes & b.postcodes:
        return Level("address", "postcode", "Same postcode, different addresses")
    return Level("address", "different", "Different addresses")


def _title_keys(feature: Features) -> set[str]:
    return {key for title in feature.profile.titles for key in title_keys(title)}


def compare_titles(a: Features, b: Features, population: Population | None = None) -> Level:
    """The same job title (課長代理 = Assistant Manager), different ones, or one record
    with a title and the other, from a book that holds titles, with none (``absent``)."""
    if not (a.profile.titles and b.profile.titles):
        if population is not None and title_absent(a, b, population):
            return Level("title", "absent", "One has a title; the other's entry has none")
        return _UNKNOWN_TITLE
    ta, tb = _title_keys(a), _title_keys(b)
    common = ta & tb
    if common:
        title = next(t for t in a.profile.titles if title_keys(t) & common)
        return Level("title", "same", "Same title {title}", (("title", title),))
    if ta and tb:
        return Level("title", "different", "Different titles")
    return _UNKNOWN_TITLE


_WORKPLACE = {("phone", "same_line_pair"), ("address", "same_pair")}


def compare(a: Features, b: Features, population: Population) -> list[Level]:
    """Every comparison of two people.

    Two people of one company share its lines and its office: at the same company, a line
    or an address only the two of them hold (under two names) is the workplace's, counted
    once as the company, not again as a phone and an address.
    """
    company = compare_companies(a, b, population)
    levels = [
        compare_names(a, b, population),
        compare_emails(a, b, population),
        compare_phones(a, b, population),
        company,
        compare_birthdays(a, b),
        compare_urls(a, b),
        compare_addresses(a, b, population),
        compare_titles(a, b, population),
    ]
    if company.level == "same":
        levels = [
            Level(lv.comparison, "shared", "Shared by colleagues: not evidence")
            if (lv.comparison, lv.level) in _WORKPLACE
            else lv
            for lv in levels
        ]
    if company.level == "same" and levels[0].level in NAMED:
        known = namesakes_known(a, b, population)
        if known:
            levels.append(
                Level("namesake", "known", "Two different people of this name work there")
            )
        elif known is not None:
            levels.append(_NO_NAMESAKE)
            if not namesakes_checked(a, b, population):
                levels.append(_UNCHECKED)
    books = a.profile.books & b.profile.books
    if books:
        book = min(books).split(":", 1)[-1]
        levels.append(Level("book", "same", "Both in one address book ({file})", (("file", book),)))
    elif a.profile.books and b.profile.books:
        levels.append(Level("book", "different"))
    if a.digest and a.digest == b.digest:
        levels.append(Level("record", "same", "Everything the two records hold is the same"))
    return levels


@dataclass
class Model:
    """The u of each level (estimated or default) and the prior; scores pairs."""

    u: dict[tuple[str, str], float] = field(
        default_factory=lambda: {key: value[1] for key, value in LEVELS.items()}
    )
    size: int = 0
    m: dict[tuple[str, str], float] = field(
        default_factory=lambda: {key: value[0] for key, value in LEVELS.items()}
    )
    """The m of each level: LEVELS' values, or estimated by ``estimate_m``."""

    @property
    def prior_bits(self) -> float:
        """log2 of the prior odds that two people are one."""
        return -math.log2(max(self.size, MIN_PRIOR_SIZE) - 1)

    _weights: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)

    def weight(self, level: Level) -> float:
        """log2(m / u) of one level, bounded (0 for a level that says nothing)."""
        key = (level.comparison, level.level)
        if level.u is None:
            known = self._weights.get(key)
            if known is not None:
                return known
        spec = LEVELS.get(key)
        if spec is None:
            return 0.0
        _, _, floor = spec
        m = self.m[key]
        u = max(level.u if level.u is not None else self.u[key], floor)
        low, high = WEIGHT_RANGE
        found = min(max(math.log2(m / u), low), high)
        if level.u is None:
            self._weights[key] = found
        return found

    def probability(self, levels: Sequence[Level]) -> float:
        """The probability that the pair is one person.

        Without strong evidence (``strong``) it stays below AUTO_MERGE: such a pair is only
        ever suggested, never merged without asking; so does a pair that rests on a name at
        a company no record could check (``unchecked_name``) below UNCHECKED_BAR.
        """
        total = self.prior_bits + sum(self.weight(level) for level in levels)
        probability = 1.0 / (1.0 + 2.0 ** (-total)) if total > -60 else 0.0
        if probability < AUTO_MERGE:
            return probability
        if not strong(levels, self.against()):
            return BELOW_AUTO_MERGE
        if probability < UNCHECKED_BAR and unchecked_name(levels):
            return BELOW_AUTO_MERGE  # a name nothing checked: twice as sure, or asked
        return probability

    def against(self) -> frozenset[tuple[str, str]]:
        """AGAINST_NAME, and the ABSENT levels this model weighs against a pair."""
        found = AGAINST_NAME | {key for key in ABSENT if self.weight(Level(*key)) <= AGAINST_BITS}
        return frozenset(found)

    def reasons(self, levels: Sequence[Level]) -> tuple[Reason, ...]:
        """The reasons for and against, strongest first."""
        found = [
            Reason(level.msgid, level.params, self.weight(level)) for level in levels if level.msgid
        ]
        found.sort(key=lambda r: -abs(r.weight))
        return tuple(found)

    def score(self, levels: Sequence[Level]) -> tuple[float, tuple[Reason, ...]]:
        """``probability`` and ``reasons`` together."""
        return self.probability(levels), self.reasons(levels)


def estimate_u(
    features: Sequence[Features], population: Population, *, pairs: int = 20000, seed: int = 0
) -> Model:
    """A model whose u values are the levels' shares among random pairs of these people."""
    model = Model(size=population.size)
    n = len(features)
    if n < 50:
        return model
    rng = random.Random(seed)
    seen: Counter[tuple[str, str]] = Counter()
    for _ in range(pairs):
        i, j = rng.randrange(n), rng.randrange(n)
        if i == j:
            continue
        seen.update(
            [
                (level.comparison, level.level)
                for level in compare(features[i], features[j], population)
            ]
        )
    counts = Counter({key: count for key, count in seen.items() if key in LEVELS})
    by_comparison: Counter[str] = Counter()
    for (comparison, _), count in counts.items():
        by_comparison[comparison] += count
    for key, (_, _default, floor) in LEVELS.items():
        total = by_comparison[key[0]]
        if total < 100:
            continue
        if counts[key] == 0:
            continue  # never seen by chance: the default stands (no 1/n smoothing floor)
        model.u[key] = max(counts[key] / total, floor)
    # Levels whose u comes from the pair itself (a name's frequency) keep no estimate.
    model.u[("name", "exact")] = LEVELS[("name", "exact")][1]
    # Namesakes are a question about pairs that agree on name and company, not random ones.
    for key in (("namesake", "none"), ("namesake", "known")):
        model.u[key] = LEVELS[key][1]
    return model


def _script_pairs(keys: Sequence[str]) -> set[tuple[str, str]]:
    """The (Latin, Japanese) pairs among company keys: the one company named in two scripts
    (Toto Realty / 東都不動産) is what learning looks for; two Japanese names are a job
    change (``company_key`` already makes 株式会社サンプル and ㈱サンプル one key)."""
    latin = [k for k in keys if k.isascii()]
    other = [k for k in keys if not k.isascii()]
    return {(x, y) for x in latin for y in other}


def learn_company_aliases(features: Sequence[Features], population: Population) -> int:
    """Learn which company names are one company from the user's own people: a person known
    to be one (records that share a personal e-mail or mobile held by no one else, or one
    record that holds both names: an import joined the LinkedIn row to the Eight card) who
    names a company in Latin letters and in Japanese (Toto Realty / 株式会社東都不動産) says
    the two may be one company; two or more such people, more than for any other Japanese
    name of that Latin one, say it is.  (One person alone may have changed jobs.)  Returns
    how many names were joined; ``compare_companies`` then takes them as one company."""
    # Per kind, a value held by one person (most) maps to that person, not to a list of
    # one (a list and a key each for 100,000 people's numbers were 15 MB at the peak).
    holders: dict[str, dict[str, Features | list[Features]]] = {"phone": {}, "email": {}}
    for feature in features:
        for kind, values in (("phone", feature.mobiles), ("email", feature.emails)):
            held_by = holders[kind]
            for value in values:
                if population.shared(kind, value) <= 1:
                    held = held_by.setdefault(value, feature)
                    if held is feature:
                        continue
                    if isinstance(held, list):
                        held.append(feature)
                    else:
                        held_by[value] = [held, feature]
    support: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for feature in features:
        for pair in _script_pairs(sorted(feature.companies)):
            support.setdefault(pair, set()).add(("person", str(feature.id)))
    for key, group in (
        ((kind, value), group)
        for kind, held_by in holders.items()
        for value, group in held_by.items()
        if isinstance(group, list)
    ):
        if len(group) > 6:
            continue
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if a.companies & b.companies:
                    continue
                for pair in _script_pairs(sorted(a.companies | b.companies)):
                    support.setdefault(pair, set()).add(key)
    best: dict[str, list[tuple[int, str]]] = {}
    for (latin, japanese), keys in support.items():
        best.setdefault(latin, []).append((len(keys), japanese))
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    joined = 0
    for latin, options in sorted(best.items()):
        options.sort(reverse=True)
        count, japanese = options[0]
        runner_up = options[1][0] if len(options) > 1 else 0
        if count < 2 or count < 2 * runner_up:
            continue
        ra, rb = root(latin), root(japanese)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
            joined += 1
    population.company_aliases = {name: root(name) for name in parent}
    return joined


PRIOR_WEIGHT = 50.0
"""How many pairs' worth of evidence the m of LEVELS counts for in ``estimate_m``: with few
pairs the m stays near LEVELS, with many the user's own data decides."""


def estimate_m(model: Model, pairs: Sequence[Sequence[Level]], *, rounds: int = 8) -> Model:
    """Estimate each level's m by expectation-maximisation over blocked pairs, u held fixed
    (Fellegi–Sunter as Splink does it): each pair's probability of being one person
    weights its levels; m is smoothed toward LEVELS' value (PRIOR_WEIGHT pairs).

    Pairs that fall in the same levels (with the same own u) count once, times how many."""
    if len(pairs) < 200:
        return model
    kinds: Counter[tuple[Level, ...]] = Counter(
        tuple(
            Level(level.comparison, level.level, u=level.u)  # what the weights see
            for level in levels
            if (level.comparison, level.level) in LEVELS
        )
        for levels in pairs
    )
    for _ in range(rounds):
        sums: dict[tuple[str, str], float] = {}
        totals: dict[str, float] = {}
        for levels, count in kinds.items():
            weight = model.probability(levels) * count
            for level in levels:
                key = (level.comparison, level.level)
                sums[key] = sums.get(key, 0.0) + weight
                totals[level.comparison] = totals.get(level.comparison, 0.0) + weight
        for key, (prior, _, _) in LEVELS.items():
            total = totals.get(key[0], 0.0)
            model.m[key] = (sums.get(key, 0.0) + PRIOR_WEIGHT * prior) / (total + PRIOR_WEIGHT)
        model._weights.clear()
    return model
