"""The index of commands: name -> module, help, hidden (written by
``python -m kinmyaku.cli.lazy``; a test keeps it equal to the modules).
"""

from __future__ import annotations

from typing import NamedTuple


class CommandEntry(NamedTuple):
    """Where a command lives and what the root help says of it."""

    module: str
    help: str
    hidden: bool


COMMANDS: dict[str, CommandEntry] = {
    "init": CommandEntry(
        "people",
        "Create the database, or upgrade it to the newest schema.",
        False,
    ),
    "add": CommandEntry(
        "people",
        "Add a person: family name first, with readings (inferred when not given).",
        False,
    ),
    "edit": CommandEntry(
        "people",
        "Change a person; options not given stay as they are.",
        False,
    ),
    "show": CommandEntry(
        "people",
        "Everything about one person: how we met, purpose, touches, give/take, requests.",
        False,
    ),
    "list": CommandEntry(
        "people",
        "Everyone, in あいうえお order of the reading.",
        False,
    ),
    "search": CommandEntry(
        "people",
        "Find people by name in any spelling, company, e-mail, phone, tag or what you remember.",
        False,
    ),
    "tag": CommandEntry(
        "people",
        "Add or remove tags: kinmyaku tag 高橋 ゴルフ 起業 -- -古いタグ.",
        False,
    ),
    "delete": CommandEntry(
        "people",
        "Delete a person and everything recorded about them.",
        False,
    ),
    "met": CommandEntry(
        "relations",
        "Record how we met (出会い): when (default: the event's day), channel, introducer, cue.",
        False,
    ),
    "log": CommandEntry(
        "relations",
        "Log an interaction (接点) with one or more people.",
        False,
    ),
    "give": CommandEntry(
        "relations",
        "Record something I gave (ギブ).",
        False,
    ),
    "receive": CommandEntry(
        "relations",
        "Record something I received (テイク).",
        False,
    ),
    "purpose": CommandEntry(
        "relations",
        "Set the purpose (目的) of a relationship: why, what I offer, how often to touch base.",
        False,
    ),
    "link": CommandEntry(
        "relations",
        "Record that two people I know are connected.",
        False,
    ),
    "backup": CommandEntry(
        "backups",
        "Write a checked backup of the whole database now, without stopping anything.",
        False,
    ),
    "scan": CommandEntry(
        "cards",
        "Read a business card photo (名刺) offline and add the person, checking for duplicates.",
        False,
    ),
    "demo": CommandEntry(
        "demo",
        "Fill the database with a realistic demo network (the same seed, the same data).",
        False,
    ),
    "duplicates": CommandEntry(
        "identity",
        "List people who may be one person, most likely first, with the reasons.",
        False,
    ),
    "merge": CommandEntry(
        "identity",
        "Merge OTHER into KEEP (everything moves; undoable); merge --auto; list; undo ID.",
        False,
    ),
    "not-duplicates": CommandEntry(
        "identity",
        "Remember that two people are different: never suggested or merged again.",
        False,
    ),
    "review": CommandEntry(
        "insights",
        "The review: north star, balance, strength, diversity, yield, what is due.",
        False,
    ),
    "stats": CommandEntry(
        "insights",
        "Headline figures: people, two-way, one-sided, overdue, requests, diversity.",
        False,
    ),
    "due": CommandEntry(
        "insights",
        "What is due: follow-ups from every source (overdue, this week), keep-in-touch.",
        False,
    ),
    "snooze": CommandEntry(
        "insights",
        "Hide a person from the overdue list for some days (the clock does not move).",
        False,
    ),
    "suggest": CommandEntry(
        "insights",
        "What I could give this person (or ask them for), with the scores and why.",
        False,
    ),
    "thanks": CommandEntry(
        "insights",
        "Print a thank-you message (お礼メール) for meeting a person, ready to copy.",
        False,
    ),
    "me": CommandEntry(
        "insights",
        "Show or set my profile: how I sign thank-you messages, my offers and needs.",
        False,
    ),
    "drill": CommandEntry(
        "insights",
        "Recall drill: see the memory cue, type the name, company and where you met.",
        False,
    ),
    "path": CommandEntry(
        "network",
        "The best warm paths from me to a person, organisation, industry or skill (紹介ルート).",
        False,
    ),
    "match": CommandEntry(
        "network",
        "Pairs of people I know where one's offer meets the other's need (引き合わせ).",
        False,
    ),
    "introduce": CommandEntry(
        "network",
        "Start an introduction I make between two people (紹介), double opt-in.",
        False,
    ),
    "brokers": CommandEntry(
        "network",
        "Connectors who bridge parts of my network, and its clusters (橋渡し役).",
        False,
    ),
    "export-person": CommandEntry(
        "privacy",
        "Everything held about one person, to answer their disclosure request.",
        False,
    ),
    "import": CommandEntry(
        "transfer",
        "Import contacts (vCard, LinkedIn, Google, Outlook, Eight, CSV); list or undo imports.",
        False,
    ),
    "export": CommandEntry(
        "transfer",
        "Export everyone as vCard 4.0, CSV (Excel), iCalendar, or a full JSON backup.",
        False,
    ),
    "restore": CommandEntry(
        "transfer",
        "Restore a JSON backup into an empty database.",
        False,
    ),
    "serve": CommandEntry(
        "web",
        "Start the web app (open http://127.0.0.1:8765 in a browser).",
        False,
    ),
    "password": CommandEntry(
        "web",
        "Set the owner password that the web app asks for (stored as an argon2 hash).",
        False,
    ),
    "request": CommandEntry(
        "relations",
        "Requests (依頼): mine of others and theirs of me.",
        False,
    ),
    "event": CommandEntry(
        "events",
        "Events (異業種交流会, parties, seminars) and who I met there.",
        False,
    ),
    "app-password": CommandEntry(
        "dav",
        "App passwords for phones and address books that sync (CardDAV).",
        False,
    ),
    "followup": CommandEntry(
        "followups",
        "Follow-ups that come due: list, done, snooze, reschedule, clear.",
        False,
    ),
    "intro": CommandEntry(
        "network",
        "The introductions ledger (紹介台帳).",
        False,
    ),
    "queue": CommandEntry(
        "queue",
        "Records an import with --review left for you: the same person, or a new one?",
        False,
    ),
    "sessions": CommandEntry(
        "sessions",
        "The browsers logged in to the web app, and logging them out.",
        False,
    ),
    "sync": CommandEntry(
        "sync",
        "Sync people both ways with a CardDAV address book (Radicale ...).",
        False,
    ),
}
