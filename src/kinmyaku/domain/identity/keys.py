"""Comparable keys of what identifies a person: names across scripts, companies, e-mails,
phones, profile URLs and addresses.

- :func:`phonetic_key` spells romaji so that Hepburn, Kunrei and Nihon-shiki meet, with
  long vowels collapsed: ``Shōta``, ``Shouta``, ``Syouta`` and ``しょうた`` all give
  ``syota``.
- :func:`company_key` drops legal forms (株式会社, (株), ㈱, 有限会社, Inc., Co., Ltd., K.K.)
  and folds width, case and variant kanji: ``㈱サンプル`` and ``株式会社 サンプル`` meet.
- :func:`is_role_email` tells addresses of a function (info@, sales@ …) from a person's.
- :func:`is_placeholder_phone` tells numbers that are no number (000, 1, 0000000000).
- :func:`is_mobile` tells a Japanese mobile (070/080/090) from a landline.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jaconv

from kinmyaku.domain.names import (
    _COLLAPSIBLE,
    _LONG_VOWELS,
    fold_text,
    is_kana,
    strip_marks,
)
from kinmyaku.domain.readings import infer_reading

# Hepburn (and Nihon-shiki) spellings rewritten to Kunrei, longest first.
_KUNREI = (
    ("tsu", "tu"),
    ("shi", "si"),
    ("chi", "ti"),
    ("sh", "sy"),
    ("ch", "ty"),
    ("ji", "zi"),
    ("j", "zy"),
    ("fu", "hu"),
    ("dzu", "zu"),
    ("du", "zu"),
    ("di", "zi"),
    ("dy", "zy"),
    ("wo", "o"),
)
_NOT_LETTER = re.compile(r"[^a-z]")
_NOT_KEY = re.compile(r"[^a-z0-9]")


def _kunrei(text: str) -> str:
    """``_KUNREI`` applied in one left-to-right pass (a regular expression of its spellings
    in that order), as plain replacements: no spelling's replacement makes or breaks
    another's, so replacing each in turn gives the same text, checked for every text of
    up to seven of their letters, and without a Python call a match."""
    return (
        text.replace("tsu", "tu")
        .replace("shi", "si")
        .replace("chi", "ti")
        .replace("sh", "sy")
        .replace("ch", "ty")
        .replace("ji", "zi")
        .replace("j", "zy")
        .replace("fu", "hu")
        .replace("dzu", "zu")
        .replace("du", "zu")
        .replace("di", "zi")
        .replace("dy", "zy")
        .replace("wo", "o")
    )


# collapse_long_vowels's patterns (names._LONG_VOWELS), each with the text it cannot match
# without: a pattern whose text is not in a key is a pass that changes nothing.
_NEEDLES = ("ou", "oo", "oh", "uu", "aa", "ii", "ee", "m", "tch")
_PASSES = tuple(
    (pattern, replacement, needle)
    for (pattern, replacement), needle in zip(_LONG_VOWELS, _NEEDLES, strict=True)
)
assert all(pattern.pattern.startswith(needle) for pattern, _, needle in _PASSES)


def _collapse(key: str) -> str:
    """collapse_long_vowels(key), each pattern looked for only where its text is."""
    while _COLLAPSIBLE.search(key):
        for pattern, replacement, needle in _PASSES:
            if needle in key:
                key = pattern.sub(replacement, key)
    return key


@lru_cache(maxsize=65536)
def phonetic_key(romaji: str) -> str:
    """A romaji spelling folded so that Hepburn, Kunrei and long-vowel variants meet."""
    if romaji.isascii():
        # NFKC and strip_marks change no ASCII text (and romaji spelled from kana is ASCII).
        text = _NOT_KEY.sub("", romaji.lower())
    else:
        text = _NOT_KEY.sub("", strip_marks(unicodedata.normalize("NFKC", romaji)).lower())
    text = _kunrei(text.replace("tch", "tty"))  # a doubled consonant: まっちゃ, mattya
    key = _collapse(text.replace("nn", "n"))
    # ``ei`` reads as a long e (けい, kei / ke): one form.
    return key.replace("ei", "e")


_LEGAL_FORMS = (
    "株式会社",
    "有限会社",
    "合同会社",
    "合名会社",
    "合資会社",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "特定非営利活動法人",
    "npo法人",
    "医療法人社団",
    "医療法人",
    "社会福祉法人",
    "学校法人",
    "税理士法人",
    "弁護士法人",
    "監査法人",
    "司法書士法人",
    "行政書士法人",
    "(株)",
    "(有)",
    "(同)",
    "(社)",
    "(財)",
    "㈱",
    "㈲",
)
_LATIN_FORMS = re.compile(
    r"\b(?:incorporated|inc|corporation|corp|co|company|ltd|limited|llc|llp|plc|gmbh|"
    r"kabushiki\s*kaisha|kabushikigaisha|k\s*k|g\s*k|holdings?|group)\b\.?",
)


@lru_cache(maxsize=65536)
def company_key(name: str) -> str:
    """A company's name folded, without its legal form: ``株式会社サンプル`` -> ``サンプル``."""
    text = unicodedata.normalize("NFKC", name).lower().strip()
    text = text.replace(".", " ").replace(",", " ")
    if not text:
        return ""
    for form in _LEGAL_FORMS:
        text = text.replace(form, " ")
    text = _LATIN_FORMS.sub(" ", text)
    key = fold_text(text)
    return key or fold_text(name)


_VOWELS_AND_MARKS = re.compile(r"[aiueoyw]")
_SOFT_G = re.compile(r"g(?=[eiy])")
_SOFT_C = re.compile(r"c(?=[eiy])")
_SILENT_R = re.compile(r"(?<=[aeiou])r(?![aeiouy])")
"""An r after a vowel and before a consonant or the end, which katakana does not write
(romaji never has one: a Japanese r always comes before a vowel)."""
_REPEATED = re.compile(r"(.)\1+")
_CONSONANT_MAP = str.maketrans({"l": "r", "m": "n", "f": "h", "v": "b", "c": "k", "q": "k"})


@lru_cache(maxsize=65536)
def company_sound(name: str) -> str:
    """The consonants of a company name's sound, folded so that a loanword and its English
    spelling meet (サンプル and Sample give ``snpr``), and a kanji name and its romaji
    (東洋物産 and Toyo Bussan); '' when shorter than three consonants.  A kanji name's sound
    is its guessed reading: a wrong guess only misses a match."""
    key = company_key(name)
    if not key:
        return ""
    key, words = _company_words(key, _latin_word_ends(name, key))
    if not key:
        return "".join(words)
    if is_kana(key):
        text = str(jaconv.kana2alphabet(jaconv.kata2hira(key)))
    elif key.isascii():
        text = key.replace("ph", "f").replace("th", "s").replace("ck", "k").replace("x", "ks")
        text = _SOFT_G.sub("j", text)  # stage, energy: ステージ, エナジー
        text = _SOFT_C.sub("s", text)  # ocean, service: オーシャン, サービス
        text = _SILENT_R.sub("", text)  # works, startup, center: ワークス, スタートアップ, センター
    else:
        reading = infer_reading(key)  # 東洋物産 -> とうようぶっさん (Toyo Bussan)
        if not reading:
            return ""
        text = str(jaconv.kana2alphabet(reading))
    text = phonetic_key(text).translate(_CONSONANT_MAP)
    text = _VOWELS_AND_MARKS.sub("", text)
    text = _REPEATED.sub(_first, text) + "".join(words)
    return text if len(text) >= 3 else ""


def company_sound_reads(name: str) -> bool:
    """Whether ``company_sound`` of this name guesses a reading from kanji (pykakasi)."""
    key = company_key(name)
    if not key:
        return False
    key, _ = _company_words(key)
    return bool(key) and not is_kana(key) and not key.isascii()


# Words of company names and their English translations, folded as company_key folds them:
# 東都大学 and Toto University, 緑川製薬 and Midorikawa Pharmaceutical meet.
_WORDS = (
    ("U", ("大学", "university", "univ")),
    ("B", ("銀行", "bank")),
    ("H", ("総合病院", "病院", "generalhospital", "hospital", "medicalcenter")),
    ("P", ("製薬", "pharmaceuticals", "pharmaceutical", "pharma")),
    ("E", ("電機", "電気", "electric", "electronics")),
    ("C", ("建設", "construction")),
    ("PR", ("印刷", "printing")),
    ("T", ("商事", "shoji", "trading")),
    ("R", ("不動産", "realestate", "realty")),
    ("F", ("食品", "フーズ", "フード", "foods", "food")),
    ("L", ("物流", "ロジスティクス", "logistics")),
    ("S", ("証券", "securities")),
    ("I", ("保険", "insurance")),
    ("IN", ("工業", "industries", "industrial", "industry")),
    ("CH", ("化学", "化成", "chemicals", "chemical")),
    ("M", ("自動車", "motors", "motor", "automotive")),
    ("RI", ("総合研究所", "研究所", "researchinstitute", "institute")),
    ("A", ("会計事務所", "accountingoffice", "accountingfirm", "accounting")),
    ("LW", ("法律事務所", "lawoffice", "lawfirm")),
    ("TE", ("テクノロジー", "technologies", "technology")),
    ("SO", ("ソリューションズ", "ソリューション", "solutions", "solution")),
    ("SY", ("システムズ", "システム", "systems", "system")),
    ("CO", ("コンサルティング", "consulting")),
    ("D", ("デザイン", "design")),
    ("SV", ("サービス", "services", "service")),
    ("EN", ("エンタテインメント", "エンターテインメント", "entertainment")),
    ("MK", ("マーケティング", "marketing")),
    ("PB", ("出版", "publishing")),
    ("TR", ("運輸", "transport")),
    ("N", ("日本", "nippon", "nihon", "japan")),
)
_WORD_PATTERN = re.compile(
    "|".join(
        sorted((re.escape(fold_text(w)) for _, ws in _WORDS for w in ws), key=len, reverse=True)
    )
)
_WORD_TOKEN = {fold_text(w): f"#{token}" for token, ws in _WORDS for w in ws}


_WORDS_LONGEST_FIRST = sorted(_WORD_TOKEN, key=len, reverse=True)


def _company_words(key: str, ends: frozenset[int] | None = None) -> tuple[str, list[str]]:
    """A company key without the words of ``_WORDS``, and their tokens in order of the text.

    ``ends``: where the words of a Latin name end in ``key``; a word of ``_WORDS`` that
    would run over the end of one ("Foods" eating the s of "Service" in "Fuji Food
    Service") gives way to a shorter one that ends there."""
    found: list[str] = []
    if ends is None:

        def take(match: re.Match[str]) -> str:
            found.append(_WORD_TOKEN[match.group(0)])
            return " "

        rest = _WORD_PATTERN.sub(take, key)
        return rest.replace(" ", ""), sorted(found)
    pieces: list[str] = []
    at = 0
    while (match := _WORD_PATTERN.search(key, at)) is not None:
        start, word = match.start(), match.group(0)
        if match.end() not in ends:
            shorter = [
                w
                for w in _WORDS_LONGEST_FIRST
                if key.startswith(w, start) and start + len(w) in ends
            ]
            word = shorter[0] if shorter else word
        pieces.append(key[at:start])
        found.append(_WORD_TOKEN[word])
        at = start + len(word)
    pieces.append(key[at:])
    return "".join(pieces), sorted(found)


def _latin_word_ends(name: str, key: str) -> frozenset[int] | None:
    """Where the words of a Latin company name end in its ``company_key`` (None when the
    name is not in Latin letters or its words do not make the key)."""
    if not key.isascii():
        return None
    text = unicodedata.normalize("NFKC", name).lower().replace(".", " ").replace(",", " ")
    text = _LATIN_FORMS.sub(" ", text)
    ends: list[int] = []
    at = 0
    for word in text.split():
        at += len(fold_text(word))
        ends.append(at)
    if at != len(key):
        return None
    return frozenset(ends)


ROLE_LOCAL_PARTS = frozenset(
    {
        "info",
        "information",
        "contact",
        "contacts",
        "inquiry",
        "inquiries",
        "toiawase",
        "otoiawase",
        "support",
        "help",
        "helpdesk",
        "service",
        "services",
        "sales",
        "eigyo",
        "office",
        "admin",
        "administrator",
        "webmaster",
        "postmaster",
        "hostmaster",
        "root",
        "mail",
        "email",
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "reply",
        "news",
        "newsletter",
        "press",
        "pr",
        "media",
        "marketing",
        "hr",
        "jinji",
        "recruit",
        "recruiting",
        "recruitment",
        "saiyo",
        "careers",
        "jobs",
        "job",
        "team",
        "staff",
        "all",
        "everyone",
        "general",
        "soumu",
        "somu",
        "keiri",
        "accounting",
        "finance",
        "billing",
        "invoice",
        "order",
        "orders",
        "shop",
        "store",
        "customer",
        "customers",
        "cs",
        "user",
        "users",
        "member",
        "members",
        "system",
        "sysadmin",
        "security",
        "abuse",
        "privacy",
        "legal",
        "desk",
        "reception",
        "front",
        "frontdesk",
        "hello",
        "hi",
        "welcome",
        "booking",
        "reservations",
        "reserve",
        "event",
        "events",
        "seminar",
    }
)
"""Local parts of addresses that belong to a function, not a person."""

FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.co.jp",
        "yahoo.com",
        "ymail.ne.jp",
        "hotmail.com",
        "hotmail.co.jp",
        "outlook.com",
        "outlook.jp",
        "live.jp",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "docomo.ne.jp",
        "ezweb.ne.jp",
        "au.com",
        "softbank.ne.jp",
        "i.softbank.jp",
        "disney.ne.jp",
        "nifty.com",
        "biglobe.ne.jp",
        "ocn.ne.jp",
        "so-net.ne.jp",
        "excite.co.jp",
        "goo.jp",
        "infoseek.jp",
        "mail.com",
        "gmx.com",
        "gmx.net",
        "proton.me",
        "protonmail.com",
        "zoho.com",
        "yandex.com",
        "qq.com",
        "163.com",
    }
)
"""Domains anyone can have an address at: they say nothing about a company."""

_ROLE_SPLIT = re.compile(r"[.\-_+0-9]+")


@lru_cache(maxsize=65536)
def is_role_email(address: str) -> bool:
    """True for an address of a function (info@, sales@, support-jp@ …), not a person."""
    local = address.rpartition("@")[0].lower()
    if local in ROLE_LOCAL_PARTS:
        return True
    found = False
    for word in _ROLE_SPLIT.split(local):  # every word a role's (sales-jp, info.2024)
        if word:
            if word not in ROLE_LOCAL_PARTS:
                return False
            found = True
    return found


def email_domain(address: str) -> str:
    """The domain of an address, lower case."""
    return address.rpartition("@")[2].lower()


def company_domain(address: str) -> str:
    """The domain when it can say which company a person works at ('' for free mail, and
    for a free mail domain with a typo in it: gmial.com, yahooo.co.jp)."""
    domain = email_domain(address)
    if not domain or domain in FREE_MAIL_DOMAINS:
        return ""
    return "" if _free_mail_typo(domain) else domain


def _free_mail_typo(domain: str) -> bool:
    """Whether a domain is a free mail domain but for one typo (a letter wrong, missing,
    doubled or two swapped), the rest (.com, .co.jp) the same."""
    return bool(_free_mail_meant(domain))


@lru_cache(maxsize=4096)
def _free_mail_meant(domain: str) -> str:
    """The free mail domain a domain with one typo in it means ('' when none)."""
    if domain in FREE_MAIL_DOMAINS:
        return domain
    label, _, rest = domain.partition(".")
    for free in sorted(FREE_MAIL_DOMAINS):
        free_label, _, free_rest = free.partition(".")
        if rest == free_rest and len(free_label) >= 4 and _one_typo(label, free_label):
            return free
    return ""


def _one_typo(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i = diff[0]
        return len(diff) == 2 and diff[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


_EMAIL_MARKS = re.compile(r"[.\-_]")
_REPEATED_LETTER = re.compile(r"([a-z])\1+")


def _first(match: re.Match[str]) -> str:
    return match.group(1)


@lru_cache(maxsize=65536)
def email_skeleton(address: str) -> str:
    """An address with what typos change most removed: dots, repeated letters, case."""
    local, _, domain = address.lower().rpartition("@")
    local = _EMAIL_MARKS.sub("", local.split("+", 1)[0])
    local = _REPEATED_LETTER.sub(_first, local)
    domain = _free_mail_meant(domain) or domain  # gmial.com is gmail.com
    return f"{local}@{domain.split('.', 1)[0]}"


def skeletons_near(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two sets of ``email_skeleton`` share one, or hold two that differ only by
    two neighbouring letters swapped (mao.saot / mao.sato): one address, mistyped."""
    if a & b:
        return True
    if not (a and b):
        return False
    for x in a:
        for y in b:
            if len(x) != len(y):  # most pairs: no look inside
                continue
            local_x, _, domain_x = x.rpartition("@")
            local_y, _, domain_y = y.rpartition("@")
            if domain_x == domain_y and len(local_x) >= 5 and _swapped(local_x, local_y):
                return True
    return False


def _swapped(x: str, y: str) -> bool:
    """Whether ``y`` is ``x`` with two neighbouring letters swapped."""
    diff = [i for i, (p, q) in enumerate(zip(x, y, strict=True)) if p != q]
    if len(diff) != 2 or diff[1] != diff[0] + 1:
        return False
    i, j = diff
    return x[i] == y[j] and x[j] == y[i] and x[i].isalpha() and x[j].isalpha()


_DIGITS = re.compile(r"\d")


@lru_cache(maxsize=65536)
def is_placeholder_phone(number: str) -> bool:
    """True for what is not a real number: too short, one digit repeated, 1234…, 0120…

    ``number`` is E.164 (+81312345678) or the digits as typed.
    """
    if number.isdecimal():  # the digits as typed (``\d`` is what isdecimal accepts)
        digits = number
    elif number[:1] == "+" and number[1:].isdecimal():  # E.164
        digits = number[1:]
    else:
        digits = "".join(_DIGITS.findall(number))
    national = digits[2:] if number.startswith("+81") else digits
    if len(national) < 9:
        return True
    if len(set(national.lstrip("0"))) <= 1 or len(set(national[-8:])) == 1:
        return True
    body = national.lstrip("0")
    return body.startswith(("123456789", "987654321"))


def is_mobile(number: str) -> bool:
    """True for a Japanese mobile or IP phone (+8170, +8180, +8190, +8150)."""
    return number.startswith(("+8170", "+8180", "+8190", "+8150")) and len(number) == 13


_PROFILE_URL = re.compile(
    r"^(?:https?://)?(?:[a-z]{2,3}\.)?(?:www\.)?"
    r"(linkedin\.com/in|facebook\.com|twitter\.com|x\.com|instagram\.com|github\.com|"
    r"eight-?\w*\.\w+|wantedly\.com/id)/([^/?#\s]+)",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def profile_url_key(url: str) -> str:
    """``linkedin.com/in/kenta-takahashi`` for any spelling of a profile URL; '' for others."""
    match = _PROFILE_URL.match(url.strip())
    if not match:
        return ""
    site = match.group(1).lower().replace("twitter.com", "x.com")
    return f"{site}/{match.group(2).lower()}"


_ADDRESS_NOISE = re.compile(r"[〒\s,、。・\-‐－ー−―()（）#]+")


def address_key(text: str) -> str:
    """An address folded for comparison (width, case, separators, the 〒 mark)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _ADDRESS_NOISE.sub("", folded)


def address_tokens(text: str) -> frozenset[str]:
    """The words and numbers of an address, for a similarity that forgives order and typos."""
    folded = unicodedata.normalize("NFKC", text).lower().replace("〒", " ")
    return frozenset(t for t in re.split(r"[\s,、]+", folded) if t)
