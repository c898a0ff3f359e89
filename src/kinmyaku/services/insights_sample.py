"""A synthetic network for benchmarks and plausibility tests, written in bulk (one transaction).

Not the demo (services/demo.py makes a realistic one for people to look at): this fills the
tables the insights read with a seeded, skewed network of any size quickly. People are not
added to the search index.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert

from kinmyaku.domain.model import Channel, Industry
from kinmyaku.services.demo import sync_id_sequences
from kinmyaku.storage.schema import (
    affiliations,
    encounters,
    events,
    exchanges,
    interaction_people,
    interactions,
    organizations,
    people,
    person_tags,
    purposes,
    requests,
)
from kinmyaku.storage.uow import UnitOfWork

FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤")
GIVEN = ("健", "花子", "翔", "陽菜", "大輔", "美咲", "拓也", "結衣", "誠", "彩")
DEPARTMENTS = ("営業", "マーケティング", "人事", "開発", "経理", "企画", "法務", "")
SKILLS = ("採用", "英語", "資金調達", "マーケティング", "デザイン", "法務", "営業", "AI")
CHUNK = 5000


@dataclass(frozen=True, slots=True)
class SampleSize:
    """How much was written."""

    people: int
    interactions: int
    exchanges: int
    encounters: int


def _chunks(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(table), rows[start : start + CHUNK])


def build_sample_network(
    uow: UnitOfWork, *, people_count: int, interaction_count: int, today: date, seed: int = 1
) -> SampleSize:
    """Write a seeded network: people, events, encounters, interactions, exchanges, requests."""
    rnd = random.Random(seed)
    now = datetime.combine(today, datetime.min.time())
    ids = range(1, people_count + 1)
    # A few people get most of the attention (a skewed, Zipf-like weight).
    attention = [1.0 / (1 + (i % 97)) ** 1.2 for i in ids]
    industries = [i.value for i in Industry]
    skew = [1.0 / (k + 1) for k in range(len(industries))]  # a few industries dominate

    def day(max_back: int) -> date:
        return today - timedelta(days=int(rnd.random() ** 1.5 * max_back))

    org_count = max(1, people_count // 5)
    event_count = max(1, people_count // 50)
    with uow as conn:
        _chunks(
            conn,
            organizations,
            [
                {
                    "id": o,
                    "name": f"サンプル{o}株式会社",
                    "industry": rnd.choices(industries, weights=skew)[0],
                    "name_key": f"sample{o}",
                }
                for o in range(1, org_count + 1)
            ],
        )
        _chunks(
            conn,
            events,
            [
                {"id": e, "name": f"異業種交流会 {e}", "kind": "meetup", "date": day(1000)}
                for e in range(1, event_count + 1)
            ],
        )
        _chunks(
            conn,
            people,
            [
                {
                    "id": p,
                    "family_name": rnd.choice(FAMILY),
                    "given_name": rnd.choice(GIVEN),
                    "offers": "、".join(rnd.sample(SKILLS, 2)) if rnd.random() < 0.3 else "",
                    "needs": rnd.choice(SKILLS) if rnd.random() < 0.3 else "",
                    "created_at": now,
                    "updated_at": now,
                }
                for p in ids
            ],
        )
        _chunks(
            conn,
            person_tags,
            [{"person_id": p, "tag": rnd.choice("ABC")} for p in ids if rnd.random() < 0.1],
        )
        _chunks(
            conn,
            purposes,
            [
                {"person_id": p, "category": "client", "cadence_days": rnd.choice((14, 30, 60))}
                for p in ids
                if rnd.random() < 0.05
            ],
        )
        _chunks(
            conn,
            affiliations,
            [
                {
                    "person_id": p,
                    "organization_id": rnd.randint(1, org_count),
                    "department": rnd.choice(DEPARTMENTS),
                }
                for p in ids
                if rnd.random() < 0.85
            ],
        )
        met = []
        for p in ids:
            channel = rnd.choice(list(Channel))
            met.append(
                {
                    "person_id": p,
                    "date": day(1100),
                    "channel": channel.value,
                    "event_id": rnd.randint(1, event_count) if channel is Channel.EVENT else None,
                    "introducer_id": rnd.randint(1, p - 1)
                    if channel is Channel.INTRODUCTION and p > 1
                    else None,
                    "memory_cue": "眼鏡" if rnd.random() < 0.3 else "",
                }
            )
        _chunks(conn, encounters, met)
        chosen = rnd.choices(ids, weights=attention, k=interaction_count)
        _chunks(
            conn,
            interactions,
            [
                {"id": n, "date": day(900), "kind": "meeting"}
                for n in range(1, interaction_count + 1)
            ],
        )
        _chunks(
            conn,
            interaction_people,
            [{"interaction_id": n, "person_id": pid} for n, pid in enumerate(chosen, 1)],
        )
        exchange_count = max(1, interaction_count // 5)
        leaning = {p: rnd.random() for p in ids}  # how much each relationship leans to giving
        gave = []
        for pid in rnd.choices(ids, weights=attention, k=exchange_count):
            direction = "gave" if rnd.random() < leaning[pid] else "received"
            gave.append(
                {
                    "person_id": pid,
                    "date": day(800),
                    "direction": direction,
                    "kind": "help",
                    "weight": rnd.randint(1, 3),
                }
            )
        _chunks(conn, exchanges, gave)
        asks = []
        for pid in rnd.sample(list(ids), k=max(1, people_count // 10)):
            asked = day(400)
            done = rnd.random() < 0.6
            asks.append(
                {
                    "person_id": pid,
                    "side": rnd.choice(("mine", "theirs")),
                    "what": "資料",
                    "asked_on": asked,
                    "due_on": asked + timedelta(days=14),
                    "status": "done" if done else "open",
                    "closed_on": min(today, asked + timedelta(days=7)) if done else None,
                }
            )
        _chunks(conn, requests, asks)
        # Explicit ids: move PostgreSQL's sequences past them so services can add rows.
        sync_id_sequences(
            conn,
            [organizations, people, events, encounters, interactions, exchanges, requests],
        )
    return SampleSize(people_count, interaction_count, exchange_count, len(met))
