"""Export people as vCard 4.0 or CSV, and the reminders as an iCalendar feed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any

from sqlalchemy import Connection, func, select

from kinmyaku.domain.people import display_name
from kinmyaku.formats.csv_writer import write_contacts_csv
from kinmyaku.formats.ical import CalendarItem, birthday_item, calendar_bytes
from kinmyaku.formats.postal import without_foreign_postmark
from kinmyaku.formats.records import ContactPoint, ContactRecord, PostalAddress
from kinmyaku.formats.vcard_writer import write_vcards
from kinmyaku.i18n import translate
from kinmyaku.storage.schema import (
    affiliations,
    contact_points,
    encounters,
    extra_fields,
    interaction_people,
    interactions,
    keep_in_touch,
    organizations,
    people,
    person_tags,
    photos,
    purposes,
    requests,
)
from kinmyaku.storage.uow import UnitOfWork

CHUNK = 2000


def _by_person(conn: Connection, stmt: Any) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for row in conn.execute(stmt):
        found[row[0]].append(row)
    return found


def _records_chunk(conn: Connection, ids: list[int]) -> list[ContactRecord]:
    rows = (
        conn.execute(
            select(people).where(people.c.id.in_(ids)).order_by(people.c.sort_key, people.c.id)
        )
        .mappings()
        .all()
    )
    points = _by_person(
        conn,
        select(
            contact_points.c.person_id,
            contact_points.c.kind,
            contact_points.c.label,
            contact_points.c.value,
        )
        .where(contact_points.c.person_id.in_(ids))
        .order_by(contact_points.c.id),
    )
    tags = _by_person(
        conn,
        select(person_tags.c.person_id, person_tags.c.tag)
        .where(person_tags.c.person_id.in_(ids))
        .order_by(person_tags.c.tag),
    )
    jobs = _by_person(
        conn,
        select(
            affiliations.c.person_id,
            organizations.c.name,
            organizations.c.reading,
            affiliations.c.department,
            affiliations.c.title,
        )
        .join(organizations, organizations.c.id == affiliations.c.organization_id)
        .where(affiliations.c.person_id.in_(ids), affiliations.c.is_current.is_(True))
        .order_by(affiliations.c.id.desc()),
    )
    met = _by_person(
        conn,
        select(encounters.c.person_id, encounters.c.date, encounters.c.channel)
        .where(encounters.c.person_id.in_(ids))
        .order_by(encounters.c.date, encounters.c.id),
    )
    extra = _by_person(
        conn,
        select(extra_fields.c.person_id, extra_fields.c.name, extra_fields.c.value)
        .where(extra_fields.c.person_id.in_(ids))
        .order_by(extra_fields.c.id),
    )
    names = [r["photo"] for r in rows if r["photo"]]
    pictures = (
        {
            n: (m, bytes(d))
            for n, m, d in conn.execute(
                select(photos.c.name, photos.c.mime, photos.c.data).where(photos.c.name.in_(names))
            )
        }
        if names
        else {}
    )
    records = []
    for row in rows:
        pid = row["id"]
        record = ContactRecord(
            family_name=row["family_name"],
            given_name=row["given_name"],
            family_reading=row["family_reading"],
            given_reading=row["given_reading"],
            reading_guessed=bool(row["reading_inferred"]),
            nickname=row["nickname"],
            birthday=row["birthday"],
            notes=row["notes"],
            tags=[t.tag for t in tags[pid]],
        )
        for point in points[pid]:
            if point.kind == "email":
                record.emails.append(ContactPoint(point.label, point.value))
            elif point.kind == "phone":
                record.phones.append(ContactPoint(point.label, point.value))
            elif point.kind == "address":
                # No 〒 before a foreign postcode (older imports wrote one; formats/postal.py)
                street = without_foreign_postmark(point.value)
                record.addresses.append(PostalAddress(label=point.label, street=street))
            else:
                record.urls.append(ContactPoint(point.label, point.value))
        if jobs[pid]:
            job = jobs[pid][0]
            record.organization, record.organization_reading = job.name, job.reading
            record.department, record.title = job.department, job.title
        if met[pid]:
            record.met_on, record.channel = met[pid][0].date, met[pid][0].channel
        for item in extra[pid]:
            record.add_extra(item.name, item.value)
        if row["photo"] in pictures:
            record.photo_mime, record.photo = pictures[row["photo"]]
        records.append(record)
    return records


def iter_records(uow: UnitOfWork) -> Iterator[ContactRecord]:
    """Everyone as ContactRecords in あいうえお order, read in batches."""
    with uow as conn:
        ids = list(
            conn.execute(select(people.c.id).order_by(people.c.sort_key, people.c.id)).scalars()
        )
        for start in range(0, len(ids), CHUNK):
            yield from _records_chunk(conn, ids[start : start + CHUNK])


def export_vcard(uow: UnitOfWork, *, stream: IO[bytes]) -> int:
    """Write everyone as vCard 4.0 (with readings); returns how many."""
    return write_vcards(iter_records(uow), stream)


def export_csv(uow: UnitOfWork, *, stream: IO[bytes], lang: str = "ja") -> int:
    """Write everyone as a CSV that Japanese Excel opens (UTF-8 with BOM); returns how many."""
    return write_contacts_csv(iter_records(uow), stream, lang=lang)


def _names(conn: Connection) -> dict[int, str]:
    return {
        r.id: display_name(r.family_name, r.given_name)
        for r in conn.execute(select(people.c.id, people.c.family_name, people.c.given_name))
    }


def calendar_items(conn: Connection, *, today: date, lang: str = "ja") -> list[CalendarItem]:
    """Follow-ups, request due dates, keep-in-touch reminders and birthdays."""
    names = _names(conn)
    items: list[CalendarItem] = []
    who = _by_person(
        conn, select(interaction_people.c.interaction_id, interaction_people.c.person_id)
    )
    for row in conn.execute(
        select(interactions.c.id, interactions.c.follow_up_on, interactions.c.summary)
        .where(interactions.c.follow_up_on.is_not(None), interactions.c.follow_up_done.is_(False))
        .order_by(interactions.c.follow_up_on)
    ):
        people_text = "、".join(names.get(w.person_id, "") for w in who.get(row.id, []))
        items.append(
            CalendarItem(
                uid=f"follow-up-{row.id}@kinmyaku",
                kind="todo",
                on=row.follow_up_on,
                summary=translate(lang, "Follow up: {names}", names=people_text),
                description=row.summary,
            )
        )
    for req in conn.execute(
        select(
            requests.c.id, requests.c.person_id, requests.c.what, requests.c.due_on, requests.c.side
        )
        .where(requests.c.due_on.is_not(None), requests.c.status == "open")
        .order_by(requests.c.due_on)
    ):
        items.append(
            CalendarItem(
                uid=f"request-{req.id}@kinmyaku",
                kind="todo",
                on=req.due_on,
                summary=translate(
                    lang,
                    "Request due: {what} ({name})",
                    what=req.what,
                    name=names.get(req.person_id, ""),
                ),
            )
        )
    items += _keep_in_touch(conn, names, today=today, lang=lang)
    for bday in conn.execute(
        select(people.c.id, people.c.birthday)
        .where(people.c.birthday.is_not(None))
        .order_by(people.c.id)
    ):
        items.append(
            birthday_item(
                uid=f"birthday-{bday.id}@kinmyaku",
                birthday=bday.birthday,
                summary=translate(lang, "Birthday: {name}", name=names.get(bday.id, "")),
            )
        )
    return items


def _keep_in_touch(
    conn: Connection, names: dict[int, str], *, today: date, lang: str
) -> list[CalendarItem]:
    last: dict[int, date] = {}
    for pid, day in conn.execute(
        select(interaction_people.c.person_id, func.max(interactions.c.date))
        .join(interactions, interactions.c.id == interaction_people.c.interaction_id)
        .group_by(interaction_people.c.person_id)
    ):
        last[pid] = day
    for pid, day in conn.execute(
        select(encounters.c.person_id, func.max(encounters.c.date)).group_by(encounters.c.person_id)
    ):
        if pid not in last or day > last[pid]:
            last[pid] = day
    snoozed = dict(
        conn.execute(select(keep_in_touch.c.person_id, keep_in_touch.c.snoozed_until)).all()
    )
    items = []
    for pid, cadence in conn.execute(
        select(purposes.c.person_id, purposes.c.cadence_days)
        .where(purposes.c.cadence_days.is_not(None))
        .order_by(purposes.c.person_id)
    ):
        due = last[pid] + timedelta(days=cadence) if pid in last else today
        if snoozed.get(pid) and snoozed[pid] > due:
            due = snoozed[pid]
        items.append(
            CalendarItem(
                uid=f"keep-in-touch-{pid}@kinmyaku",
                kind="todo",
                on=due,
                summary=translate(lang, "Keep in touch: {name}", name=names.get(pid, "")),
            )
        )
    return items


def calendar_feed(uow: UnitOfWork, *, today: date, lang: str = "ja") -> bytes:
    """The whole reminder calendar as .ics bytes (for export and the secret calendar URL)."""
    with uow as conn:
        items = calendar_items(conn, today=today, lang=lang)
    stamp = datetime(today.year, today.month, today.day, tzinfo=UTC)
    return calendar_bytes(items, stamp=stamp)
