"""Thank-you message drafts (お礼メール): business Japanese, or English for English speakers.

The draft's language follows the contact, not the interface (``draft_language``):

1. a stored preference (``DraftPerson.language``: "ja" or "en") wins;
2. else any Japanese script (kana, kanji) in the name, reading, company, department or
   title means Japanese;
3. else a name written only in Latin letters (a romaji-only name) means English;
4. else (no name at all) Japanese.

The user overrides it per draft (``language=`` "ja" or "en").

Every line is a whole sentence whatever is missing: no event, place, date, topic, company
or profile leaves out its sentence or phrase, never a bracket, a particle or a "None".
Dates read 12月2日 (2025年12月2日 in another year) or December 2 (December 2, 2025).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kinmyaku.domain.names import is_latin

LANGUAGES = ("ja", "en")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f々〆]")
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# What people type after a topic that the sentence says itself (釣りの話 -> 釣り).
_TOPIC_TAIL = re.compile(r"(の話題|の話|のお話|について|の件|[。、．，.,!！\s])+$")
_RULE = "――――――――――"


@dataclass(frozen=True, slots=True)
class DraftPerson:
    """The person to thank; name_en is how to address them in English."""

    family_name: str
    given_name: str = ""
    organization: str = ""
    name_en: str = ""
    department: str = ""
    title: str = ""
    reading: str = ""
    language: str = ""  # a stored preference ("ja" or "en"); "" when none


@dataclass(frozen=True, slots=True)
class DraftSender:
    """Me, as I sign the message (my profile); any field may be blank."""

    name: str = ""
    organization: str = ""
    name_en: str = ""
    organization_en: str = ""
    reading: str = ""
    title: str = ""
    email: str = ""
    signature: str = ""


@dataclass(frozen=True, slots=True)
class ThankYouDraft:
    """A thank-you message ready to copy: subject and body."""

    language: str
    subject: str
    body: str

    def as_text(self) -> str:
        """Subject line, a blank line, then the body."""
        label = "件名" if self.language == "ja" else "Subject"
        colon = "：" if self.language == "ja" else ": "
        return f"{label}{colon}{self.subject}\n\n{self.body}"


def has_japanese(text: str) -> bool:
    """True when the text has kana or kanji."""
    return _JAPANESE.search(text) is not None


def draft_language(person: DraftPerson) -> str:
    """The language to write to this person in: their preference, else from their name."""
    if person.language in LANGUAGES:
        return person.language
    texts = (
        person.family_name,
        person.given_name,
        person.reading,
        person.organization,
        person.department,
        person.title,
    )
    if any(has_japanese(t) for t in texts):
        return "ja"
    return "en" if is_latin(person.family_name + person.given_name) else "ja"


def thank_you_draft(
    *,
    person: DraftPerson,
    sender: DraftSender,
    event_name: str = "",
    met_on: date | None,
    today: date,
    topic: str = "",
    place: str = "",
    language: str | None = None,
) -> ThankYouDraft:
    """A thank-you message (お礼メール) for meeting a person (at an event, a place, a day)."""
    chosen = language if language in LANGUAGES else draft_language(person)
    meeting = _Meeting(event_name.strip(), place.strip(), met_on, today, _topic(topic))
    if chosen == "ja":
        return _draft_ja(person, sender, meeting)
    return _draft_en(person, sender, meeting)


@dataclass(frozen=True, slots=True)
class _Meeting:
    event: str
    place: str
    met_on: date | None
    today: date
    topic: str


_CUE_PARTS = re.compile(r"[、,，/／・;；\n]+")
_CUE_TOPIC = re.compile(r"(の話題|の話|のお話|について)$")


def topic_from_cue(cue: str) -> str:
    """The topics a memory cue names (「赤いメガネ、釣りの話」 -> 「釣り」); empty when it names
    none.  Only the parts written as a topic (…の話, …について) go into a message: the rest of
    a cue (how someone looks, a private note) stays with the user."""
    topics = [
        _CUE_TOPIC.sub("", part.strip())
        for part in _CUE_PARTS.split(cue)
        if _CUE_TOPIC.search(part.strip())
    ]
    return "と".join(t for t in topics if t)


def _topic(text: str) -> str:
    return _TOPIC_TAIL.sub("", " ".join(text.split()))


def _join(*parts: str, sep: str = " ") -> str:
    return sep.join(p.strip() for p in parts if p and p.strip())


def _ja_day(on: date, today: date) -> str:
    if on.year == today.year:
        return f"{on.month}月{on.day}日"
    return f"{on.year}年{on.month}月{on.day}日"


def _ja_when(m: _Meeting) -> str:
    """本日（12月2日） / 昨日（12月1日） / 11月20日 / 先日."""
    if m.met_on is None or m.met_on > m.today:
        return "先日"
    day = _ja_day(m.met_on, m.today)
    days = (m.today - m.met_on).days
    if days == 0:
        return f"本日（{day}）"
    if days == 1:
        return f"昨日（{day}）"
    return day


def _ja_thanks_line(m: _Meeting) -> str:
    when = _ja_when(m)
    if m.event:
        return f"{when}の{m.event}では、お話しする機会をいただき、誠にありがとうございました。"
    if m.place:
        return f"{when}は{m.place}にてお時間をいただき、誠にありがとうございました。"
    return f"{when}はお時間をいただき、誠にありがとうございました。"


def _ja_signature(sender: DraftSender) -> list[str]:
    if sender.signature.strip():
        return [line.rstrip() for line in sender.signature.strip().splitlines()]
    if not (sender.name or sender.organization):
        return []
    lines = [_RULE]
    if sender.name:
        reading = f"（{sender.reading}）" if sender.reading else ""
        lines.append(f"{sender.name}{reading}")
    job = _join(sender.organization, sender.title)
    if job:
        lines.append(job)
    if sender.email:
        lines.append(f"E-mail: {sender.email}")
    lines.append(_RULE)
    return lines


def _draft_ja(person: DraftPerson, sender: DraftSender, m: _Meeting) -> ThankYouDraft:
    name = _join(*_ja_name_parts(person))
    address = [person.organization] if person.organization else []
    if person.department or person.title:
        address.append(_join(person.department, person.title))
    address.append(f"{name} 様" if name else "ご担当者様")
    lines = [*address, "", "お世話になっております。"]
    if sender.name:
        intro = f"{sender.organization}の" if sender.organization else ""
        lines.append(f"{intro}{sender.name}です。")
    lines += ["", _ja_thanks_line(m)]
    if m.topic:
        lines.append(f"{m.topic}についてのお話は大変興味深く、勉強になりました。")
    lines += [
        "",
        "何かお役に立てることがございましたら、お気軽にお声がけください。",
        "またお話しできる機会を楽しみにしております。",
        "",
        "今後ともどうぞよろしくお願いいたします。",
    ]
    signature = _ja_signature(sender)
    if signature:
        lines += ["", *signature]
    if m.event:
        subject = f"【御礼】{m.event}でのご挨拶"
    else:
        subject = f"【御礼】{_ja_when(m).split('（')[0]}はありがとうございました"
    signed_as = _join(sender.organization, sender.name)
    if signed_as:
        subject += f"（{signed_as}）"
    return ThankYouDraft("ja", subject, "\n".join(lines) + "\n")


def _ja_name_parts(person: DraftPerson) -> tuple[str, str]:
    if person.given_name and is_latin(person.family_name + person.given_name):
        return person.given_name, person.family_name
    return person.family_name, person.given_name


def _en_day(on: date, today: date) -> str:
    text = f"{_MONTHS_EN[on.month - 1]} {on.day}"
    return text if on.year == today.year else f"{text}, {on.year}"


def _en_when(m: _Meeting) -> str:
    if m.met_on is None or m.met_on > m.today:
        return ""
    days = (m.today - m.met_on).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"on {_en_day(m.met_on, m.today)}"


def _en_name(person: DraftPerson) -> str:
    """A western name by its first name (Dear John,); a Japanese one in full (Dear Mao Takada,)."""
    if is_latin(person.family_name + person.given_name):
        return person.given_name or person.family_name
    return person.name_en or _join(person.family_name, person.given_name)


def _en_signature(sender: DraftSender) -> list[str]:
    if sender.signature.strip() and not has_japanese(sender.signature):
        return [line.rstrip() for line in sender.signature.strip().splitlines()]
    lines = [sender.name_en or sender.name]
    if sender.title and not has_japanese(sender.title):
        lines.append(sender.title)
    lines.append(sender.organization_en or sender.organization)
    if sender.email:
        lines.append(sender.email)
    return [line for line in lines if line]


def _draft_en(person: DraftPerson, sender: DraftSender, m: _Meeting) -> ThankYouDraft:
    name = _en_name(person)
    when = _en_when(m)
    where = f"at {m.event}" if m.event else f"in {m.place}" if m.place else ""
    talk = "talk with me" if m.event or m.place else "meet with me"
    first = _join("Thank you for taking the time to", talk, where, when) + "."
    lines = [f"Dear {name}," if name else "Hello,", "", first]
    if m.topic:
        lines.append(f"I especially enjoyed our conversation about {m.topic}.")
    lines += [
        "",
        "I would be glad to stay in touch, and please let me know if there is anything"
        " I can help you with.",
        "I look forward to talking with you again.",
        "",
        "Best regards,",
    ]
    lines += _en_signature(sender)
    subject = (
        f"Thank you for the conversation at {m.event}" if m.event else "Thank you for your time"
    )
    return ThankYouDraft("en", subject, "\n".join(lines) + "\n")
