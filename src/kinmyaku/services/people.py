"""Use cases about people: add, edit, find, list, show, tag, delete."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, insert, select

from kinmyaku.domain.errors import AmbiguousPerson, NotFound, ValidationError
from kinmyaku.domain.limits import check_lengths
from kinmyaku.domain.model import ContactKind, Industry
from kinmyaku.domain.names import fold_joined, is_kana, is_latin, shown_romaji
from kinmyaku.domain.people import PersonProfile, PersonSummary, display_name
from kinmyaku.domain.readings import complete_readings
from kinmyaku.domain.validate import normalize_email, parse_phone, require_text
from kinmyaku.storage import people as store
from kinmyaku.storage import read, search
from kinmyaku.storage.schema import extra_fields, people
from kinmyaku.storage.search_memory import search_hints
from kinmyaku.storage.uow import UnitOfWork


@dataclass
class PersonInput:
    """What a user may give about a person when adding or editing."""

    family_name: str | None = None
    given_name: str | None = None
    family_reading: str | None = None
    given_reading: str | None = None
    romaji: str | None = None
    nickname: str | None = None
    birthday: date | None = None
    notes: str | None = None
    offers: str | None = None
    needs: str | None = None
    met: bool | None = None
    emails: Sequence[str] = ()
    phones: Sequence[str] = ()
    urls: Sequence[str] = ()
    addresses: Sequence[str] = ()
    tags: Sequence[str] = ()
    company: str | None = None
    company_reading: str = ""
    company_website: str = ""
    industry: str | None = None
    department: str = ""
    title: str = ""
    photo: str | None = None
    extra: dict[str, list[str]] = field(default_factory=dict)


def _check_reading(value: str | None, field_name: str) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if text and not is_kana(text):
        raise ValidationError(
            field_name,
            "Reading '{value}' must be written in kana (ひらがな or カタカナ)",
            value=value,
        )
    return text


def _check_industry(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return Industry(value).value
    except ValueError:
        raise ValidationError(
            "industry",
            "Unknown industry '{value}'; choose one of: {choices}",
            value=value,
            choices=", ".join(i.value for i in Industry),
        ) from None


def sort_key(family: str, given: str, family_reading: str, given_reading: str) -> str:
    """The あいうえお sort key: the reading, or the name itself when there is none."""
    if family_reading or given_reading:
        return fold_joined(family_reading, given_reading)[:200]
    return fold_joined(family, given)[:200]


def _name_columns(data: PersonInput, current: dict[str, Any] | None) -> dict[str, Any]:
    names = (data.family_name, data.given_name, data.family_reading, data.given_reading)
    return name_columns(*names, data.romaji, current=current)


def name_columns(
    family_name: str | None,
    given_name: str | None,
    family_reading: str | None,
    given_reading: str | None,
    romaji: str | None = None,
    *,
    current: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The name columns of a person (names, readings, romaji, sort key), checked.

    None keeps the ``current`` value (an edit), or means none for a new person; readings
    not given are inferred from the names, romaji from the readings.
    """

    def pick(name: str, value: str | None) -> str:
        if value is not None:
            return value.strip()
        return str(current[name]) if current else ""

    family = pick("family_name", family_name)
    require_text(family, field="family_name", max_length=100)
    given = pick("given_name", given_name)
    if len(given) > 100:
        require_text(given, field="given_name", max_length=100)
    family_r = _check_reading(family_reading, "family_reading")
    given_r = _check_reading(given_reading, "given_reading")
    names_changed = current is None or (family, given) != (
        current["family_name"],
        current["given_name"],
    )
    if family_r is None:
        keep = current and not (names_changed and current["reading_inferred"])
        family_r = current["family_reading"] if keep and current else ""
    if given_r is None:
        keep = current and not (names_changed and current["reading_inferred"])
        given_r = current["given_reading"] if keep and current else ""
    family_r, given_r, inferred = complete_readings(family, given, family_r, given_r)
    inferred = inferred and not is_kana(family + given)
    if romaji is None:
        if current and not names_changed and current["romaji"]:
            romaji = current["romaji"]
        elif family_r:
            romaji = shown_romaji(family_r, given_r)
        elif is_latin(family + given):
            romaji = display_name(family, given)
        else:
            romaji = ""
    return {
        "family_name": family,
        "given_name": given,
        "family_reading": family_r,
        "given_reading": given_r,
        "reading_inferred": inferred,
        "romaji": romaji.strip(),
        "sort_key": sort_key(family, given, family_r, given_r),
    }


def _other_columns(data: PersonInput) -> dict[str, Any]:
    _check_industry(data.industry)
    values: dict[str, Any] = {}
    for name in ("nickname", "notes", "offers", "needs"):
        value = getattr(data, name)
        if value is not None:
            values[name] = value.strip()
    if data.birthday is not None:
        values["birthday"] = data.birthday
    if data.met is not None:
        values["met"] = data.met
    if data.photo is not None:
        values["photo"] = data.photo or None
    return values


def _add_contacts(conn: Connection, person_id: int, data: PersonInput) -> None:
    for email in data.emails:
        normal = normalize_email(email, field="email")
        store.add_contact_point(conn, person_id, ContactKind.EMAIL, email.strip(), "", normal)
    for phone in data.phones:
        e164 = parse_phone(phone, field="phone")
        store.add_contact_point(conn, person_id, ContactKind.PHONE, phone.strip(), "", e164)
    for url in data.urls:
        text = url.strip()
        if text:
            store.add_contact_point(conn, person_id, ContactKind.URL, text, "", text)
    for address in data.addresses:
        text = " ".join(unicodedata.normalize("NFKC", address).split())
        if len(text) > 300:
            raise ValidationError("address", "The address is too long (at most 300 characters)")
        if text:
            store.add_contact_point(conn, person_id, ContactKind.ADDRESS, address.strip(), "", text)
    store.add_tags(conn, person_id, [t.strip() for t in data.tags if t.strip()])
    if data.company:
        org = store.organization_id(
            conn,
            data.company.strip(),
            reading=data.company_reading.strip(),
            industry=_check_industry(data.industry),
            website=data.company_website.strip(),
        )
        store.set_affiliation(
            conn, person_id, org, department=data.department.strip(), title=data.title.strip()
        )


def check_person_lengths(data: PersonInput) -> None:
    """Every text of ``data`` longer than domain/limits.py allows, raised at once."""
    names = ("family_name", "given_name", "family_reading", "given_reading", "romaji")
    more = ("nickname", "notes", "offers", "needs", "company", "company_reading")
    pairs = [(n, getattr(data, n)) for n in (*names, *more, "department", "title")]
    pairs += [("email", v) for v in data.emails] + [("phone", v) for v in data.phones]
    pairs += [("url", v) for v in data.urls] + [("tag", v) for v in data.tags]
    check_lengths(pairs)


def add_person(uow: UnitOfWork, data: PersonInput) -> int:
    """Add a person (with contact points, tags and current job); returns the new id."""
    check_person_lengths(data)
    with uow as conn:
        values = {**_name_columns(data, None), **_other_columns(data)}
        person_id = store.insert_person(conn, values)
        _add_contacts(conn, person_id, data)
        if data.extra:
            conn.execute(
                insert(extra_fields),
                [
                    {"person_id": person_id, "name": name, "value": value}
                    for name, values_ in data.extra.items()
                    for value in values_
                ],
            )
        store.reindex_person(conn, person_id)
        return person_id


def edit_person(uow: UnitOfWork, person_id: int, data: PersonInput) -> None:
    """Change what is given (None keeps a field); new contacts, tags and a job are added."""
    check_person_lengths(data)
    with uow as conn:
        current = store.get_person_row(conn, person_id)
        if current is None:
            raise NotFound("No person with id {id}", id=person_id)
        values = {**_name_columns(data, current), **_other_columns(data)}
        store.update_person(conn, person_id, values)
        _add_contacts(conn, person_id, data)
        store.reindex_person(conn, person_id)


def delete_person(uow: UnitOfWork, person_id: int) -> None:
    """Delete a person and every record that holds them (services/forget.py)."""
    from kinmyaku.services.forget import forget_person

    forget_person(uow, person_id)


def tag_person(
    uow: UnitOfWork, person_id: int, *, add: Sequence[str] = (), remove: Sequence[str] = ()
) -> list[str]:
    """Add and remove tags; returns the person's tags afterwards."""
    check_lengths([("tag", t) for t in add])
    with uow as conn:
        _require(conn, person_id)
        store.add_tags(conn, person_id, [t.strip() for t in add if t.strip()])
        if remove:
            store.remove_tags(conn, person_id, remove)
        store.reindex_person(conn, person_id)
        keys = store.person_keys(conn, person_id)
        return sorted(keys.tags) if keys else []


def remove_contact(uow: UnitOfWork, person_id: int, *, kind: str, value: str) -> None:
    """Remove an e-mail or phone number from a person."""
    with uow as conn:
        _require(conn, person_id)
        normal = normalize_email(value) if kind == "email" else parse_phone(value)
        if not store.remove_contact_point(conn, person_id, kind, normal):
            raise NotFound("{value} is not recorded for this person", value=value)
        store.reindex_person(conn, person_id)


def _require(conn: Connection, person_id: int) -> None:
    found = conn.execute(select(people.c.id).where(people.c.id == person_id)).first()
    if not found:
        raise NotFound("No person with id {id}", id=person_id)


_ID = re.compile(r"^#?(\d+)$")


def resolve_person(uow: UnitOfWork, ref: str) -> int:
    """The id of the person a reference names: an id (12 or #12) or a name in any spelling.

    Raises NotFound when nobody matches and AmbiguousPerson (with the candidates) when
    the name fits several people equally well.
    """
    ref = ref.strip()
    with uow as conn:
        match = _ID.match(ref)
        if match:
            person_id = int(match.group(1))
            exists = conn.execute(select(people.c.id).where(people.c.id == person_id)).first()
            if exists or ref.startswith("#") or len(ref) < 6:
                _require(conn, person_id)
                return person_id
            # A long number that is no id: a phone number, searched like any other text.
        found = search.search_people(conn, ref, limit=11)
        if not found:
            raise NotFound("Nobody matches '{query}'", query=ref)
        best = found[0][1]
        top = [pid for pid, tier in found if tier == best]
        if len(top) == 1 and (best <= search.TIER_NAME or len(found) == 1):
            return top[0]
        candidates = [
            (s.id, s.name, s.company) for s in read.summaries(conn, [p for p, _ in found[:10]])
        ]
        raise AmbiguousPerson(ref, candidates)


def search_people(
    uow: UnitOfWork, query: str, *, limit: int | None = 50, offset: int = 0
) -> list[PersonSummary]:
    """People a query finds by any spelling of name, company, e-mail, phone or tag, or by
    what they are remembered by (cue, place, event, title, department, notes), each with
    where and when we met, the cue and the field a word was found in."""
    with uow as conn:
        ids = [pid for pid, _ in search.search_people(conn, query, limit=limit, offset=offset)]
        hints = search_hints(conn, query, ids)
        rows = read.summaries(conn, ids, with_last_contact=True)
        return [dataclasses.replace(row, hint=hints.get(row.id)) for row in rows]


def count_people(uow: UnitOfWork, query: str | None = None) -> int:
    """How many people there are, or how many a query finds."""
    with uow as conn:
        if query:
            return search.count_matches(conn, query)
        return int(conn.execute(select(func.count()).select_from(people)).scalar_one())


def list_people(
    uow: UnitOfWork,
    *,
    order: str = "reading",
    limit: int | None = None,
    offset: int = 0,
    tag: str | None = None,
) -> list[PersonSummary]:
    """Everyone, in あいうえお order of the reading (or newest first)."""
    with uow as conn:
        ids = read.list_ids(conn, order=order, limit=limit, offset=offset, tag=tag)
        return read.summaries(conn, ids, with_last_contact=True)


def iter_people(
    uow: UnitOfWork,
    *,
    order: str = "reading",
    limit: int | None = None,
    offset: int = 0,
    tag: str | None = None,
    chunk: int = 2000,
) -> Iterator[PersonSummary]:
    """What ``list_people`` returns, read ``chunk`` at a time in one transaction (one
    snapshot), so that memory stays small however many people there are."""
    with uow as conn:
        ids = read.list_ids(conn, order=order, limit=limit, offset=offset, tag=tag)
        for start in range(0, len(ids), chunk):
            yield from read.summaries(conn, ids[start : start + chunk], with_last_contact=True)


def show_person(uow: UnitOfWork, person_id: int) -> PersonProfile:
    """Everything recorded about one person."""
    with uow as conn:
        found = read.profile(conn, person_id)
        if found is None:
            raise NotFound("No person with id {id}", id=person_id)
        return found
