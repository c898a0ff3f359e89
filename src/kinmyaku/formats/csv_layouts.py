"""The CSV sources we recognise: LinkedIn, Google Contacts, Outlook and Eight.

Each layout says how to recognise its header row and what each column means. Header
names are compared after ``header_key`` (NFKC, lower case, no spaces), so ``E-mail
Address`` and ``e-mail address`` or ``姓（ふりがな）`` and ``姓 (ふりがな)`` match.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kinmyaku.formats.csv_fields import Target, header_key

Resolver = Callable[[str, str], "Target | None"]


@dataclass(frozen=True)
class Layout:
    """One CSV source: its name, how to spot its header, and its columns."""

    name: str
    required: tuple[str, ...]
    columns: dict[str, Target]
    resolve: Resolver | None = None
    defaults: dict[str, str] = field(default_factory=dict)

    def matches(self, keys: set[str]) -> bool:
        """Return True when a header row (as header keys) is this layout's."""
        return all(key in keys for key in self.required)

    def target(self, header: str) -> Target:
        """Return what column ``header`` means (unknown columns are kept as extras)."""
        key = header_key(header)
        found = self.columns.get(key)
        if found is None and self.resolve is not None:
            found = self.resolve(key, header)
        return found or Target("extra")


def _table(entries: dict[str, Target]) -> dict[str, Target]:
    return {header_key(name): target for name, target in entries.items()}


def _point(field: str, label: str, group: str) -> Target:
    return Target(field, group=group, label=label)


LINKEDIN = Layout(
    name="linkedin",
    required=("firstname", "lastname", "connectedon"),
    columns=_table(
        {
            "First Name": Target("given_name"),
            "Last Name": Target("family_name"),
            "URL": _point("url", "linkedin", "url"),
            "Email Address": _point("email", "", "email"),
            "Company": Target("organization"),
            "Position": Target("title"),
            "Connected On": Target("met_on"),
        }
    ),
    defaults={"channel": "social"},
)

_GOOGLE_INDEXED = re.compile(r"(e-mail|phone|website|address|organization)(\d+)-(.+)")
_GOOGLE_ADDRESS = {
    "formatted": "address",
    "street": "street",
    "city": "locality",
    "pobox": "po_box",
    "region": "region",
    "postalcode": "postal_code",
    "country": "country",
    "extendedaddress": "extended",
    "label": "address_label",
    "type": "address_label",
}
_GOOGLE_ORGANIZATION = {
    "name": "organization",
    "yominame": "organization_reading",
    "phoneticname": "organization_reading",
    "title": "title",
    "department": "department",
}
_GOOGLE_POINTS = {"e-mail": "email", "phone": "phone", "website": "url"}


def _google_resolve(key: str, header: str) -> Target | None:
    match = _GOOGLE_INDEXED.fullmatch(key)
    if match is None:
        return None
    kind, number, part = match.groups()
    group = f"{kind}{number}"
    if kind in _GOOGLE_POINTS:
        field = _GOOGLE_POINTS[kind]
        if part == "value":
            return Target(field, group=group)
        if part in ("label", "type"):
            return Target(f"{field}_label", group=group)
        return None
    if kind == "address":
        mapped = _GOOGLE_ADDRESS.get(part)
        return Target(mapped, group=group) if mapped else None
    if number == "1" and part in _GOOGLE_ORGANIZATION:
        return Target(_GOOGLE_ORGANIZATION[part])
    return None


GOOGLE = Layout(
    name="google",
    required=(),
    columns=_table(
        {
            # Current export (2020s)
            "First Name": Target("given_name"),
            "Last Name": Target("family_name"),
            "Phonetic First Name": Target("given_reading"),
            "Phonetic Last Name": Target("family_reading"),
            "Nickname": Target("nickname"),
            "Organization Name": Target("organization"),
            "Organization Phonetic Name": Target("organization_reading"),
            "Organization Title": Target("title"),
            "Organization Department": Target("department"),
            "Birthday": Target("birthday"),
            "Notes": Target("notes"),
            "Labels": Target("tags"),
            # Legacy export ("Google CSV" before 2020)
            "Name": Target("full_name"),
            "Given Name": Target("given_name"),
            "Family Name": Target("family_name"),
            "Yomi Name": Target("full_reading"),
            "Given Name Yomi": Target("given_reading"),
            "Family Name Yomi": Target("family_reading"),
            "Group Membership": Target("tags"),
        }
    ),
    resolve=_google_resolve,
)
_GOOGLE_NAMES = {"firstname", "lastname", "givenname", "familyname", "name"}
_GOOGLE_MARKERS = {
    "e-mail1-value",
    "phone1-value",
    "phoneticfirstname",
    "phoneticlastname",
    "givennameyomi",
    "familynameyomi",
    "groupmembership",
    "organization1-name",
    "organizationname",
    "labels",
}


def _outlook_columns() -> dict[str, Target]:
    entries: dict[str, Target] = {
        "First Name": Target("given_name"),
        "Last Name": Target("family_name"),
        "Nickname": Target("nickname"),
        "Given Yomi": Target("given_reading"),
        "Yomi First Name": Target("given_reading"),
        "Surname Yomi": Target("family_reading"),
        "Yomi Last Name": Target("family_reading"),
        "Company Yomi": Target("organization_reading"),
        "Yomi Company": Target("organization_reading"),
        "Company": Target("organization"),
        "Department": Target("department"),
        "Job Title": Target("title"),
        "E-mail Address": _point("email", "", "e-mail1"),
        "E-mail 2 Address": _point("email", "", "e-mail2"),
        "E-mail 3 Address": _point("email", "", "e-mail3"),
        "Business Phone": _point("phone", "work", "businessphone"),
        "Business Phone 2": _point("phone", "work", "businessphone2"),
        "Home Phone": _point("phone", "home", "homephone"),
        "Home Phone 2": _point("phone", "home", "homephone2"),
        "Mobile Phone": _point("phone", "mobile", "mobilephone"),
        "Other Phone": _point("phone", "other", "otherphone"),
        "Primary Phone": _point("phone", "main", "primaryphone"),
        "Company Main Phone": _point("phone", "main", "companymainphone"),
        "Pager": _point("phone", "pager", "pager"),
        "Business Fax": _point("phone", "fax", "businessfax"),
        "Home Fax": _point("phone", "fax", "homefax"),
        "Other Fax": _point("phone", "fax", "otherfax"),
        "Web Page": _point("url", "", "webpage"),
        "Personal Web Page": _point("url", "home", "personalwebpage"),
        "Birthday": Target("birthday"),
        "Notes": Target("notes"),
        "Categories": Target("tags"),
        # Japanese Outlook. Not checked against a real Japanese export: no public
        # documentation of its CSV header was found, so only the names in common use.
        "姓": Target("family_name"),
        "名": Target("given_name"),
        "姓 (ふりがな)": Target("family_reading"),
        "名 (ふりがな)": Target("given_reading"),
        "会社名": Target("organization"),
        "会社名 (ふりがな)": Target("organization_reading"),
        "部署": Target("department"),
        "役職": Target("title"),
        "ニックネーム": Target("nickname"),
        "電子メール アドレス": _point("email", "", "e-mail1"),
        "電子メール 2 アドレス": _point("email", "", "e-mail2"),
        "電子メール 3 アドレス": _point("email", "", "e-mail3"),
        "勤務先電話": _point("phone", "work", "businessphone"),
        "勤務先電話 2": _point("phone", "work", "businessphone2"),
        "自宅電話": _point("phone", "home", "homephone"),
        "携帯電話": _point("phone", "mobile", "mobilephone"),
        "勤務先 FAX": _point("phone", "fax", "businessfax"),
        "誕生日": Target("birthday"),
        "メモ": Target("notes"),
        "分類": Target("tags"),
    }
    for prefix, label in (("Business", "work"), ("Home", "home"), ("Other", "other")):
        for suffix, part in (
            ("Street", "street"),
            ("Street 2", "street"),
            ("Street 3", "street"),
            ("City", "locality"),
            ("State", "region"),
            ("Postal Code", "postal_code"),
            ("Country/Region", "country"),
            ("Country", "country"),
            ("PO Box", "po_box"),
        ):
            entries[f"{prefix} {suffix}"] = Target(part, group=label, label=label)
    for prefix, label in (("勤務先", "work"), ("自宅", "home"), ("その他", "other")):
        for suffix, part in (
            ("番地", "street"),
            ("市区町村", "locality"),
            ("都道府県", "region"),
            ("郵便番号", "postal_code"),
            ("国/地域", "country"),
        ):
            entries[f"{prefix} {suffix}"] = Target(part, group=label, label=label)
    return _table(entries)


OUTLOOK = Layout(name="outlook", required=(), columns=_outlook_columns())
_OUTLOOK_MARKERS = {
    header_key(name)
    for name in (
        "E-mail Address",
        "Business Phone",
        "Mobile Phone",
        "Job Title",
        "Given Yomi",
        "Surname Yomi",
        "Yomi First Name",
        "電子メール アドレス",
        "勤務先電話",
        "姓 (ふりがな)",
    )
}
_OUTLOOK_NAMES = {header_key(name) for name in ("First Name", "Last Name", "姓", "名")}

_EIGHT_KNOWN = _table(
    {
        "会社名": Target("organization"),
        "部署名": Target("department"),
        "役職": Target("title"),
        "姓": Target("family_name"),
        "名": Target("given_name"),
        "e-mail": _point("email", "work", "email"),
        "郵便番号": Target("postal_code", group="work", label="work"),
        "住所": Target("address", group="work", label="work"),
        "TEL会社": _point("phone", "main", "tel1"),
        "TEL部門": _point("phone", "work", "tel2"),
        "TEL直通": _point("phone", "work", "tel3"),
        "Fax": _point("phone", "fax", "fax"),
        "携帯電話": _point("phone", "mobile", "mobile"),
        "URL": _point("url", "work", "url"),
        "名刺交換日": Target("met_on"),
    }
)


def _eight_tag(key: str, header: str) -> Target:
    return Target("tag", label=header.strip())


EIGHT = Layout(
    name="eight",
    required=("会社名", "姓", "名", "名刺交換日"),
    columns=_EIGHT_KNOWN,
    resolve=_eight_tag,
)

LAYOUTS = {layout.name: layout for layout in (LINKEDIN, GOOGLE, OUTLOOK, EIGHT)}


def detect_layout(headers: list[str]) -> Layout | None:
    """Return the layout whose header row this is, or None."""
    keys = {header_key(h) for h in headers if h.strip()}
    if LINKEDIN.matches(keys):
        return LINKEDIN
    if EIGHT.matches(keys) or {"会社名", "tel会社", "名刺交換日"} <= keys:
        return EIGHT
    google = keys & _GOOGLE_MARKERS
    if google and len(google) + len(keys & _GOOGLE_NAMES) >= 2:
        return GOOGLE
    if keys & _OUTLOOK_MARKERS and keys & _OUTLOOK_NAMES:
        return OUTLOOK
    return None
