"""From OCR lines to a card's fields, each with a confidence.

Rules, in this order, each line taken by the first that claims it:
1. e-mail (``@``), URL (``http``/``www.``), phone numbers by label (cards.labels);
2. postal code (〒123-4567) and address: a line with a prefecture (or after 〒), and the
   next line when it is a building (…ビル 5F);
3. company: a legal form (株式会社, (株), 合同会社 …) or an office word (事務所, 大学 …);
4. department and title: a known title at the end of a line (営業部 部長), a department end;
5. reading: a kana line, or two Latin words (Kenta TAKAHASHI);
6. name: the tallest remaining line, split at the longest known family name.
A field's confidence is the rule's own certainty times the OCR confidence of its line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

import jaconv

from kinmyaku.domain.cards import labels
from kinmyaku.domain.cards import names as cardnames
from kinmyaku.domain.cards.lines import CardFields, OcrLine
from kinmyaku.domain.names import (
    collapse_long_vowels,
    has_kana,
    is_kana,
    kana_to_romaji,
    romaji_key,
    to_hiragana,
)

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~/%?=&#:]+", re.IGNORECASE)
_POSTAL = re.compile(r"(?:〒|T|干|テ|〒\s)?\s*(\d{3})\s*[-ー−‐]\s*(\d{4})(?!\d)")
_PHONE_LABEL = re.compile(r"^\s*(?:電話|TEL|FAX|携帯|直通|ファクス|Mobile|Direct)", re.IGNORECASE)
_MAIL_LABEL = re.compile(r"^\s*(?:e-?mai[l1I|]|mai[l1I|])\s*[:.]?\s*", re.IGNORECASE)
_LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z'\-]+ [A-Za-z][A-Za-z'\-]+$")
_KANA_ONLY = re.compile(r"^[\u3041-\u30ff ・]+$")
_NAME_CHARS = re.compile(r"^[\u3005\u3041-\u30ff\u3400-\u9fff\uf900-\ufaff ]{2,12}$")


_NOT_NAME = re.compile(r"[^\u3005\u3041-\u30ff\u3400-\u9fff\uf900-\ufaff ]")


def _median_height(lines: Sequence[OcrLine]) -> int:
    sizes = sorted(line.height for line in lines if line.height)
    return sizes[len(sizes) // 2] if sizes else 0


def _valid_number(number: str) -> bool:
    digits = labels.digits_of(number)
    return digits.startswith("0") and len(digits) == (11 if digits[1:3] in _LONG else 10)


_LONG = ("50", "60", "70", "80", "90")


def _numbers_fit(text: str) -> int:
    """How well a reading's phone numbers fit Japanese numbering (valid count, less invalid)."""
    found = labels.phones_in(text)
    return sum(1 if _valid_number(number) else -2 for _, number, _ in found)


def _best_reading(line: OcrLine) -> str:
    """Of a line's readings, the one whose phone numbers are well formed (a doubled digit,
    a dash read as 1, in one reading and not the other)."""
    texts = [labels.kanji_numerals(labels.normalize(t)) for t in (line.text, *line.alternatives)]
    if len(texts) == 1 or not labels.phones_in(texts[0]):
        return texts[0]
    return max(texts, key=_numbers_fit)


_LEADING_NOISE = re.compile(r"^[_|｜、。,.:;'\"~`\s]+")


def _clean(lines: Sequence[OcrLine]) -> list[OcrLine]:
    cleaned = []
    for line in lines:
        for text in labels.split_labels(_best_reading(line)):
            text = _LEADING_NOISE.sub("", text)  # a card's edge or a band read as _ | 、
            if text:
                cleaned.append(replace(line, text=text))
    return cleaned


_TLDS = ("co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "jp", "com", "net", "org", "io", "dev")


def _repair_domain(text: str) -> str:
    """An e-mail whose last dot OCR lost (kenta@samplejp): the dot put back before the TLD."""
    user, at, domain = text.partition("@")
    if not at or "." in domain:
        return text
    for tld in _TLDS:
        bare = tld.replace(".", "")
        if domain.endswith(bare) and len(domain) > len(bare):
            return f"{user}@{domain[: -len(bare)]}.{tld}"
    return text


_MISREAD_SCHEME = re.compile(r"(?i)h[tfil1]{1,2}[pq](s?)\s*[:;.,]?\s*[/|\\Il1]{1,2}[A-Z]?$")
"""What is left of https:// when OCR misread it (https:/, htps://, https//, https:/A)."""


def _scheme_before(text: str, url: str) -> str:
    """The scheme printed before a URL whose ``://`` was misread, put right ("" if none)."""
    before = text[: text.find(url)] if url in text else ""
    found = _MISREAD_SCHEME.search(before)
    return f"http{found.group(1).lower()}://" if found else ""


def _take_contacts(fields: CardFields, line: OcrLine) -> bool:
    text = line.text
    compact = _repair_domain(_MAIL_LABEL.sub("", text).replace(" ", ""))
    email = _EMAIL.search(compact)
    if email:
        value = email.group(0).strip(".").lower()
        if value not in fields.emails:
            fields.emails.append(value)
            fields.confidence.setdefault("emails", 0.95 * line.confidence)
        return True
    url = _URL.search(compact)
    if url or re.fullmatch(r"[a-z0-9\-]+(\.[a-z0-9\-]+)*\.(jp|com|net|org|io|dev)/?", compact):
        found = (url.group(0) if url else compact).rstrip("/.")
        if not found.lower().startswith("http"):
            found = _scheme_before(compact, found) + found
        found = re.sub(r"(?i)^(https?://)?w{2,4}\.", lambda m: (m.group(1) or "") + "www.", found)
        scheme, _, rest = found.rpartition("://")
        host, slash, path = rest.partition("/")
        found = (scheme.lower() + "://" if scheme else "") + host.lower() + slash + path
        fields.url = fields.url or found  # a host has no capitals: Www. is OCR's
        fields.confidence.setdefault("url", 0.9 * line.confidence)
        return True
    numbers = labels.phones_in(text)
    if numbers and not _has_address(text):
        main = next((p["number"] for p in fields.phones if p["kind"] == "tel"), "")
        for kind, number, _ in numbers:
            if any(
                labels.digits_of(p["number"]) == labels.digits_of(number) for p in fields.phones
            ):
                continue
            chosen, certainty = labels.phone_kind(number, kind, main)
            fields.phones.append({"kind": chosen, "number": number})
            key = f"phones.{chosen}"
            fields.confidence[key] = min(
                fields.confidence.get(key, 1.0), certainty * line.confidence
            )
            main = main or (number if chosen == "tel" else "")
        return True
    return False


def _has_address(text: str) -> bool:
    return any(p in text for p in labels.PREFECTURES) or bool(
        re.search(r"[都道府県].{1,6}[市区町村郡]", text)
    )


_ADDRESS_FIXES = str.maketrans({"干": "千", "|": None, "「": None, "」": None})
_LETTER_IN_NUMBER = re.compile(r"(?<=[^\d\-ー])(\d{1,3})[A-Za-z](?=[-ー]\d)")
"""A letter between the first number after the town and its dash (西新宿8B-19-11): the
dash's ink read as a letter; a 丁目 number holds none (a room 3-2-1A-101 is left alone)."""


def _address_text(text: str) -> str:
    """The address without spaces, OCR noise before its prefecture and inside its street
    number, 干 misread for 千."""
    text = _LETTER_IN_NUMBER.sub(r"\1", text.replace(" ", "").translate(_ADDRESS_FIXES))
    starts = [text.find(p) for p in labels.PREFECTURES if p in text]
    return text[min(starts) :] if starts else text.lstrip("〒T7干テ:")


def _take_address(fields: CardFields, lines: list[OcrLine], index: int) -> int:
    """Take the address at ``index``; returns how many lines it spans (0 when none)."""
    text = lines[index].text
    postal = _POSTAL.search(text)
    has_postal = postal is not None and ("〒" in text or _has_address(text) or len(text) < 12)
    if not (_has_address(text) or has_postal):
        return 0
    if fields.address and fields.postal_code:
        return 1 if has_postal or _has_address(text) else 0  # a second office: keep the first
    rest = text
    if postal is not None and has_postal:
        fields.postal_code = fields.postal_code or f"{postal.group(1)}-{postal.group(2)}"
        fields.confidence.setdefault("postal_code", 0.95 * lines[index].confidence)
        rest = (text[: postal.start()] + text[postal.end() :]).strip(" 〒:")
    span = 1
    if not _has_address(rest) and index + 1 < len(lines) and _has_address(lines[index + 1].text):
        rest, span = lines[index + 1].text, 2  # 〒 on its own line, the address below
    nxt = index + span
    candidate = labels.mend_floor(lines[nxt].text) if nxt < len(lines) else ""
    if rest and candidate and labels.BUILDING.search(candidate):
        labelled = _PHONE_LABEL.match(candidate)  # a phone misread is still no building
        if not (labels.phones_in(candidate) or _EMAIL.search(candidate) or labelled):
            rest, span = rest + candidate, span + 1
    if rest and not fields.address:
        fields.address = _address_text(rest)
        fields.confidence["address"] = 0.85 * lines[index].confidence
    return span


_TRAILING_NOISE = re.compile(r"(?<=[\u3041-\u9fff)])[A-Za-z0-9=|_~.,:;'\"!?<>*#@$%&^`-]{1,4}$")


def _take_company(fields: CardFields, line: OcrLine) -> bool:
    if fields.company or not labels.is_company(line.text):
        return False
    company = labels.mend_legal_form(line.text.replace(" ", ""))
    if re.search("[\u3041-\u9fff]", company):  # a logo beside it read as a few letters
        company = _TRAILING_NOISE.sub("", company)
    fields.company = company
    fields.confidence["company"] = 0.9 * line.confidence
    return True


def _take_role(fields: CardFields, line: OcrLine) -> bool:
    department, title = labels.title_split(line.text)
    if title:
        if not fields.title:
            fields.title = title
            fields.confidence["title"] = 0.85 * line.confidence
        if department and not fields.department:
            fields.department = department
            fields.confidence["department"] = 0.8 * line.confidence
        return True
    if labels.is_department(line.text) and len(line.text) <= 30:
        fields.department = (fields.department + " " + line.text).strip()
        fields.confidence["department"] = 0.75 * line.confidence
        return True
    return False


def _take_english(fields: CardFields, line: OcrLine) -> bool:
    text = line.text
    if not text.isascii():
        return False
    if labels.COMPANY_EN.search(text):
        fields.company_en = fields.company_en or text
        return True
    words = text.lower().replace(",", " ").split()
    if (any(w in labels.TITLES_EN for w in words) and not _LATIN_NAME.match(text.title())) or (
        any(w in labels.TITLES_EN for w in words) and len(words) >= 2
    ):
        fields.title_en = fields.title_en or text
        return True
    return False


def _split_name(name: str) -> tuple[str, str]:
    return cardnames.split_name(name)


def _sound(text: str) -> str:
    """How a reading or a romaji word sounds, long vowels folded: さとう, Sato -> sato."""
    return collapse_long_vowels(romaji_key(kana_to_romaji(text) if has_kana(text) else text))


@lru_cache(maxsize=1)
def _family_sounds() -> frozenset[str]:
    return frozenset(_sound(r) for r in cardnames.family_names().values())


def _romaji_reading(word: str, written: str, family: bool) -> str:
    key = _sound(word)
    if family and written in cardnames.family_names():
        known = cardnames.family_names()[written]
        if _sound(known) == key:
            return known
    if written:
        from kinmyaku.domain.readings import infer_reading

        guess = infer_reading(written)
        if guess and _sound(guess) == key:
            return guess
    return str(jaconv.alphabet2kana(word.lower()))


def _apply_romaji(fields: CardFields) -> None:
    """Readings from a romaji line (Kenta TAKAHASHI, TAKAHASHI Kenta, Takahashi Kenta)."""
    first, second = fields.romaji.split()
    family_sound = _sound(fields.family_reading or "")
    known = cardnames.family_names().get(fields.family_name, "")
    known_sound = _sound(known) if known else ""
    keys = [_sound(w) for w in (first, second)]
    families = {family_sound, known_sound} - {""}
    if families and (keys[0] in families) != (keys[1] in families):
        family_first = keys[0] in families  # the name read says which word it is
    else:
        family_first = _family_first(first, second)
    if not family_first:
        first, second = second, first  # given name first, family name second
    if not fields.family_reading:
        fields.family_reading = _romaji_reading(first, fields.family_name, True)
        fields.confidence["family_reading"] = 0.7
    if not fields.given_reading:
        fields.given_reading = _romaji_reading(second, fields.given_name, False)
        fields.confidence["given_reading"] = 0.6


def _apply_kana(fields: CardFields, reading: str, confidence: float) -> None:
    joined = to_hiragana(reading).replace("・", "").replace(" ", "")
    family, given = fields.family_name, fields.given_name
    cut = 0
    if family:
        for guess in (cardnames.family_names().get(family, ""), _infer(family)):
            if guess and joined.startswith(guess) and len(guess) < len(joined):
                cut = len(guess)
                break
    if not cut and given:
        for guess in sorted(cardnames.given_names().get(given, frozenset()) | {_infer(given)}):
            if guess and joined.endswith(guess) and len(guess) < len(joined):
                cut = len(joined) - len(guess)
                break
    if not cut:
        parts = to_hiragana(reading).replace("・", " ").split()
        cut = len(parts[0]) if len(parts) == 2 else max(1, min(len(joined) - 1, len(joined) // 2))
    fields.family_reading, fields.given_reading = joined[:cut], joined[cut:]
    fields.confidence["family_reading"] = 0.85 * confidence
    fields.confidence["given_reading"] = 0.85 * confidence
    listed = cardnames.family_names().get(family, "")
    if listed and _sound(fields.family_reading) not in _family_sounds():
        fields.family_reading = listed  # the kana misread (だた for まつもと): no such name
        fields.confidence["family_reading"] = 0.5
    known = cardnames.given_names().get(given, frozenset())
    if len(known) == 1 and _sound(fields.given_reading) not in _given_sounds():
        fields.given_reading = next(iter(known))
        fields.confidence["given_reading"] = 0.45


@lru_cache(maxsize=1)
def _given_sounds() -> frozenset[str]:
    return frozenset(_sound(r) for rs in cardnames.given_names().values() for r in rs)


def _infer(text: str) -> str:
    from kinmyaku.domain.readings import infer_reading

    return infer_reading(text)


def _family_first(first: str, second: str) -> bool:
    """Whether a romaji name is written family name first: the word in capitals is the
    family name (TAKAHASHI Kenta); else a word that sounds like a family name when the
    other does not; else (Miki Kimura: both could be) given name first, as Western order."""
    if first.isupper() != second.isupper():
        return first.isupper()
    sounds = _family_sounds()
    is_family = (_sound(first) in sounds, _sound(second) in sounds)
    if is_family[0] != is_family[1]:
        return is_family[0]
    return first.isupper()  # KIMURA MIKI as before: family first


def _printed(kana: OcrLine | None, romaji: str) -> cardnames.Printed:
    """The reading the card prints, for checking the name against."""
    if kana is not None:
        return cardnames.Printed(joined=to_hiragana(kana.text.replace(" ", "").replace("・", "")))
    words = romaji.split()
    if len(words) != 2:
        return cardnames.Printed()
    first, second = words if _family_first(*words) else words[::-1]
    return cardnames.Printed(family=_sound(first), given=_sound(second))


def parse_lines(raw: Sequence[OcrLine]) -> CardFields:
    """Read a card's fields from its OCR lines (top to bottom, or right to left when vertical)."""
    lines = _clean(raw)
    fields = CardFields()
    rest: list[OcrLine] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _take_contacts(fields, line):
            index += 1
            continue
        span = _take_address(fields, lines, index)
        if span:
            index += span
            continue
        taken = _take_company(fields, line) or _take_role(fields, line)
        if not (taken or _take_english(fields, line)):
            rest.append(line)
        index += 1
    kanas: list[int] = []
    names: list[OcrLine] = []
    tall = 1.4 * _median_height(raw)
    for at, line in enumerate(rest):
        compact = line.text.replace(" ", "")
        if _KANA_ONLY.match(line.text) and len(compact) >= 3:
            kanas.append(at)
        elif _LATIN_NAME.match(line.text) and not fields.romaji and line.confidence >= 0.4:
            fields.romaji = line.text
        elif _NAME_CHARS.match(line.text) and not is_kana(compact):
            names.append(line)
        elif line.height >= tall or line.alternatives:
            texts = [_NOT_NAME.sub("", t).strip() for t in (line.text, *line.alternatives)]
            kept = [t for t in texts if len(t.replace(" ", "")) >= 2 and _NAME_CHARS.match(t)]
            if kept and (line.height >= tall or _NAME_CHARS.match(line.text)):
                names.append(replace(line, text=kept[0], confidence=line.confidence * 0.8))
    kana: OcrLine | None = None
    if names:
        best = max(names, key=lambda n: (n.height, -len(n.text)))
        row = [  # OCR may cut 東海林　雅人 at its wide space into two lines of one row
            n
            for n in names
            if abs(n.y - best.y) < 0.6 * best.height
            and abs(n.height - best.height) < 0.35 * best.height
            and n.extent
        ]
        texts = [n.text for n in sorted(row, key=lambda n: n.x)] if best in row else [best.text]
        texts = [t for t in dict.fromkeys(texts) if not any(t != o and t in o for o in texts)]
        text = " ".join(texts)  # a band read again holds a line read before: once
        readings = [(text, best.confidence)]
        readings += [(alt, 0.9 * best.confidence) for alt in best.alternatives]
        place = next((i for i, line in enumerate(rest) if line.y >= best.y), len(rest))
        options: list[OcrLine | None] = [  # the reading printed next to the name, first
            rest[i] for i in sorted(kanas, key=lambda i: abs(i - place))[:2]
        ]
        chosen = [
            (cardnames.choose_name(readings, _printed(o, "")), -n, o, "")
            for n, o in enumerate(options)
        ]
        if fields.romaji:
            found = cardnames.choose_name(readings, _printed(None, fields.romaji))
            chosen.append((found, -len(options), None, fields.romaji))
        nothing = cardnames.choose_name(readings, cardnames.Printed())  # a misread reading
        chosen.append((nothing, -len(chosen), None, ""))
        (family, given, certainty), _, kana, fields.romaji = max(
            chosen, key=lambda c: (c[0][2], c[1])
        )
        fields.family_name, fields.given_name = family, given
        fields.given_options = cardnames.given_options(given, _printed(kana, fields.romaji))
        big = best.height >= 1.3 * min((n.height for n in raw if n.height), default=0)
        fields.confidence["family_name"] = certainty * (1.0 if big else 0.7)
        fields.confidence["given_name"] = certainty * (1.0 if big else 0.7)
    elif kanas:
        kana = rest[kanas[0]]
        if fields.romaji == "":
            fields.family_name, fields.given_name = _split_name(kana.text)
            fields.confidence["family_name"] = fields.confidence["given_name"] = 0.4
    if kana is not None:
        _apply_kana(fields, kana.text, kana.confidence)
    if fields.romaji:
        _apply_romaji(fields)
    _guess_readings(fields)
    fields.emails = _mend_emails(fields)
    return fields


def _lost_initial_dot(user: str, family: str, given: str) -> bool:
    """Whether a user name is an initial of the person's name and the family name with the
    dot between them lost (OCR drops small dots): kkimura for Kimura Kenta."""
    if not (family and given) or "." in user or len(user) < 3:
        return False
    return user[0] in (given[0], family[0]) and collapse_long_vowels(user[1:]) == family


def _mend_emails(fields: CardFields) -> list[str]:
    """Addresses with the dot OCR lost after an initial put back (kkimura@ -> k.kimura@,
    when the card's name is Kimura Kenta: the given or the family name's initial), and one
    address read twice kept once."""
    family = _sound(fields.family_reading) if fields.family_reading else ""
    given = _sound(fields.given_reading) if fields.given_reading else ""
    out: list[str] = []
    for email in fields.emails:
        user, _, domain = email.partition("@")
        if _lost_initial_dot(user, family, given):
            email = f"{user[0]}.{user[1:]}@{domain}"
        if not any(e.replace(".", "") == email.replace(".", "") for e in out):
            out.append(email)
    return out


def _guess_readings(fields: CardFields) -> None:
    """Readings the card does not print: the name lists, else a guess from the kanji."""
    from kinmyaku.domain.readings import infer_reading

    if fields.family_name and not fields.family_reading:
        known = cardnames.family_names().get(fields.family_name, "")
        fields.family_reading = known or infer_reading(fields.family_name)
        fields.confidence["family_reading"] = 0.5 if known else 0.3
    if fields.given_name and not fields.given_reading:
        guess = infer_reading(fields.given_name)
        listed = cardnames.given_names().get(fields.given_name, frozenset())
        if guess not in listed and len(listed) == 1:
            guess = next(iter(listed))  # the name list's reading: 陽菜 is ひな, not はるな
        fields.given_reading = guess
        fields.confidence["given_reading"] = 0.45 if guess in listed else 0.3


def merge_sides(front: CardFields, back: CardFields) -> CardFields:
    """One person from two sides: the front wins, the back fills gaps (romaji, English)."""
    merged = front
    for name in ("company", "department", "title", "postal_code", "address", "url"):
        if not getattr(merged, name) and getattr(back, name):
            setattr(merged, name, getattr(back, name))
            merged.confidence[name] = back.confidence.get(name, 0.5)
    for email in back.emails:
        same = [e for e in merged.emails if e.replace(".", "") == email.replace(".", "")]
        if not same:
            merged.emails.append(email)
        elif email.count(".") > same[0].count("."):  # the side that kept its dots
            merged.emails[merged.emails.index(same[0])] = email
    known = {labels.digits_of(p["number"]) for p in merged.phones}
    for phone in back.phones:
        if labels.digits_of(phone["number"]) not in known:
            merged.phones.append(phone)
    merged.romaji = merged.romaji or back.romaji or back_name(back)
    merged.title_en = merged.title_en or back.title_en
    merged.company_en = merged.company_en or back.company_en
    if merged.romaji and len(merged.romaji.split()) == 2:
        for part in ("family_reading", "given_reading"):
            if merged.confidence.get(part, 0.0) <= 0.5:  # a guess: the romaji says better
                setattr(merged, part, "")
        _apply_romaji(merged)
    if not merged.company and merged.company_en:
        merged.company = merged.company_en
    if not merged.title and merged.title_en:
        merged.title = merged.title_en
    return merged


def back_name(back: CardFields) -> str:
    """The romaji name of an English side, if it has one."""
    if back.romaji:
        return back.romaji
    return ""
