"""The features an import makes of its records stay exactly what they were.

Matching decides on features alone: when the features of thousands of generated records
(the messy exports and the 100,000-card benchmark's cards) are the same as before, every
matching decision is.  The digests below were computed by the code before the import's
feature building was made faster (with the lead's fixes of free mail domains with a typo,
gmial.com, already in).  A change to them is a change of what matching sees: a deliberate
one updates them, computed by the code as it was before the change.  Deliberate changes
so far: a contact named by its phone number or e-mail is unnamed (``is_named``), and
company sounds drop the r katakana does not write and take a soft c as s (``company_sound``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import pickle
import random
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType

from generators.messy_exports import FILES, FORMATS, generate
from kinmyaku.domain.identity.blocking import block_keys
from kinmyaku.domain.identity.keys import (
    _KUNREI,
    _collapse,
    _kunrei,
    company_key,
    company_sound,
    phonetic_key,
)
from kinmyaku.domain.identity.profile import (
    Features,
    NameForm,
    Profile,
    company_sounds,
    features,
    holder_key,
    name_form,
)
from kinmyaku.domain.names import collapse_long_vowels
from kinmyaku.formats.reader import read_items
from kinmyaku.services.import_pipeline import prepare_batch
from kinmyaku.services.import_prepare import PreparedRecord

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"

MESSY_DIGEST = "3433:7711dddf0345b00d575878a7b745028f"
BENCHMARK_DIGEST = "3000:f65df19a1d237e511e405a73df3e62e9"
ALIAS_DIGEST = "3433:41358fe331a203c1a9e99e4a5eb75f84"
KEYS_DIGEST = "3433:ea03f3e279399f300ad050d399f8aae9"


def _form(name: NameForm) -> tuple[object, ...]:
    return (
        name.family,
        name.given,
        name.family_sound,
        name.given_sound,
        name.sound_stated,
        name.latin,
        name.full_sound,
        name.written,
    )


def _profile(p: Profile) -> tuple[object, ...]:
    return (
        p.id,
        p.family,
        p.given,
        p.family_reading,
        p.given_reading,
        p.reading_inferred,
        p.named,
        p.birthday,
        p.companies,
        p.emails,
        p.phones,
        p.urls,
        p.addresses,
        p.aliases,
        p.digest,
        None if p.form is None else _form(p.form),
    )


def _state(feature: Features) -> str:
    """Everything matching reads of ``feature``, in a fixed order, as text."""
    return repr(
        (
            feature.id,
            [_form(n) for n in feature.names],
            feature.named,
            sorted(feature.companies),
            feature.current_company,
            sorted(feature.domains),
            sorted(feature.emails),
            sorted(feature.skeletons),
            sorted(feature.phones),
            sorted(feature.mobiles),
            sorted(feature.urls),
            sorted(feature.addresses),
            sorted(feature.address_words),
            sorted(feature.postcodes),
            feature.birthday,
            feature.digest,
            _profile(feature.profile),
            holder_key(feature),
            sorted(map(repr, block_keys(feature))),  # made from sets: in no fixed order
            sorted(company_sounds(feature)),
        )
    )


def _digest(states: Iterable[str]) -> str:
    hashed = hashlib.sha256()
    count = 0
    for state in states:
        hashed.update(state.encode("utf-8") + b"\n")
        count += 1
    return f"{count}:{hashed.hexdigest()[:32]}"


def _prepared(path: Path, format: str) -> list[PreparedRecord]:
    """The records of a file as an import's helpers prepare them (blocks, lenient)."""
    with path.open("rb") as stream:
        items = list(
            read_items(stream, file_name=path.name, format=format, blocks=True, lenient=True)
        )
    done = prepare_batch(items, "en")  # type: ignore[arg-type]
    return [item for item in done if isinstance(item, PreparedRecord)]


def _as_sent(prepared: PreparedRecord) -> Features:
    """The record's features as the writer receives them (pickled, as from a helper)."""
    made = pickle.loads(pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL)).match
    assert isinstance(made, Features)
    return made


def _messy(folder: Path) -> list[PreparedRecord]:
    records: list[PreparedRecord] = []
    for seed in (7, 11):
        paths = generate(seed, people=900).write(folder / str(seed))
        for source, path in paths.items():
            assert path.name == FILES[source]
            records += _prepared(path, FORMATS[source])
    return records


def _benchmark_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_importing", BENCHMARKS / "importing.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _with_aliases(records: list[PreparedRecord]) -> Iterator[str]:
    """Features of profiles that also carry the next records' names as aliases (a person
    a record joined, as the import's writer and the duplicates list build them)."""
    profiles = [_as_sent(r).profile for r in records]
    for i, profile in enumerate(profiles):
        others = profiles[i + 1 : i + 3]
        aliases = tuple(
            (o.family, o.given, "" if o.reading_inferred else o.family_reading, o.given_reading)
            for o in others
        )
        merged = Profile(
            id=i + 1,
            family=profile.family,
            given=profile.given,
            family_reading=profile.family_reading,
            given_reading=profile.given_reading,
            reading_inferred=profile.reading_inferred,
            named=profile.named,
            birthday=profile.birthday,
            companies=(*profile.companies, *(c for o in others for c in o.companies)),
            emails=profile.emails,
            phones=profile.phones,
            urls=profile.urls,
            addresses=profile.addresses,
            aliases=aliases,
            digest=profile.digest,
        )
        yield _state(features(merged))


def _keys(records: list[PreparedRecord]) -> Iterator[str]:
    """The public key functions over every name, reading and company of the records."""
    for record in records:
        cols = record.columns
        values = (
            cols["family_name"],
            cols["given_name"],
            cols["family_reading"],
            cols["given_reading"],
            str(cols.get("romaji") or ""),
        )
        parts = [phonetic_key(v) for v in values]
        for company in (record.company, record.company_reading):
            parts += [company_key(company), company_sound(company)]
        form = name_form(values[0], values[1], values[2], values[3], False)
        parts.append(repr(None if form is None else _form(form)))
        yield repr(parts)


def test_the_messy_exports_features_are_unchanged(tmp_path: Path) -> None:
    records = _messy(tmp_path)
    assert len(records) > 3000
    assert _digest(_state(_as_sent(r)) for r in records) == MESSY_DIGEST
    assert _digest(_with_aliases(records)) == ALIAS_DIGEST
    assert _digest(_keys(records)) == KEYS_DIGEST


def test_the_benchmark_cards_features_are_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "contacts.vcf"
    _benchmark_module().generate(path, 3000)
    records = _prepared(path, "vcard")
    assert len(records) == 3000
    assert _digest(_state(_as_sent(r)) for r in records) == BENCHMARK_DIGEST


def test_kunrei_spellings_are_replaced_as_in_one_pass() -> None:
    pattern = re.compile("|".join(spelling for spelling, _ in _KUNREI))
    table = dict(_KUNREI)
    rng = random.Random(5)
    letters = "tsuhicjfdzywoa"
    for _ in range(20000):
        text = "".join(rng.choice(letters) for _ in range(rng.randint(1, 12)))
        assert _kunrei(text) == pattern.sub(lambda m: table[m.group(0)], text)


def test_long_vowels_collapse_as_names_collapses_them() -> None:
    rng = random.Random(6)
    for _ in range(20000):
        text = "".join(rng.choice("aiueohmbptcnk") for _ in range(rng.randint(1, 14)))
        assert _collapse(text) == collapse_long_vowels(text)
