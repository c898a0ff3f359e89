"""The review pages: /review (charts as inline SVG), /review/followups, /review/drill.

Charts are drawn here as small SVG documents (no JavaScript, no CDN): a ``viewBox`` and
``width: 100%`` keep them readable on a 375 px phone; every chart has a text equivalent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup, escape

from kinmyaku.bootstrap import App
from kinmyaku.domain.errors import ValidationError
from kinmyaku.domain.insights import render as explain_text
from kinmyaku.domain.insights.industries import industry_label
from kinmyaku.i18n import translate
from kinmyaku.services import drill, followups, insights, insights_people
from kinmyaku.storage.retry import retry_busy
from kinmyaku.web.deps import CoreDep, FormDep, LangDep, render
from kinmyaku.web.routes.pages_followups import review_context
from kinmyaku.web.routes.pages_identity import duplicates_count

router = APIRouter(include_in_schema=False)

WIDTH, HEIGHT, PAD = 320, 150, 22


def _now(core: App) -> datetime:
    if core.settings.today:
        return datetime.combine(core.today(), time(12))
    return datetime.now()


def _open_svg(cls: str, height: int, title: str) -> str:
    label = escape(title)
    return (
        f'<svg class="{cls}" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{label}">'
        f"<title>{label}</title>"
    )


def _svg(parts: list[str]) -> Markup:
    # Every text in the parts went through escape(); the rest is numbers and fixed markup.
    return Markup("".join(parts))  # noqa: S704


def bar_chart(
    title: str, bars: Sequence[tuple[str, float]], *, highlight_last: bool = False
) -> Markup:
    """A vertical bar chart as inline SVG, with a title and labelled bars."""
    n = max(1, len(bars))
    top = max((v for _, v in bars), default=0) or 1
    slot = (WIDTH - 2 * PAD) / n
    base = HEIGHT - PAD
    parts = [
        _open_svg("chart", HEIGHT, title),
        f'<line class="axis" x1="{PAD}" y1="{base}" x2="{WIDTH - PAD}" y2="{base}"/>',
    ]
    for i, (label, value) in enumerate(bars):
        h = (HEIGHT - 2 * PAD - 10) * value / top
        x = PAD + i * slot + slot * 0.15
        y = HEIGHT - PAD - h
        cls = "bar last" if highlight_last and i == len(bars) - 1 else "bar"
        size = f'width="{slot * 0.7:.1f}" height="{h:.1f}"'
        parts.append(
            f'<rect class="{cls}" x="{x:.1f}" y="{y:.1f}" {size}>'
            f"<title>{escape(label)}: {value:g}</title></rect>"
        )
        if n <= 6 or i in (0, n - 1):  # many bars: label the ends only, the rest in titles
            parts.append(
                f'<text class="value" x="{x + slot * 0.35:.1f}" y="{y - 3:.1f}">{value:g}</text>'
            )
        parts.append(
            f'<text class="label" x="{x + slot * 0.35:.1f}" y="{HEIGHT - PAD + 13}">'
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return _svg(parts)


def hbar_chart(title: str, bars: Sequence[tuple[str, float]]) -> Markup:
    """A horizontal bar chart (long labels, e.g. industries) as inline SVG."""
    row = 20
    height = row * max(1, len(bars)) + 8
    top = max((v for _, v in bars), default=0) or 1
    label_w = 110
    parts = [_open_svg("chart", height, title)]
    for i, (label, value) in enumerate(bars):
        y = 4 + i * row
        w = (WIDTH - label_w - 36) * value / top
        parts.append(
            f'<text class="hlabel" x="{label_w - 4}" y="{y + 13}">{escape(label)}</text>'
            f'<rect class="bar" x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 6}"/>'
            f'<text class="hvalue" x="{label_w + w + 4:.1f}" y="{y + 13}">{value:g}</text>'
        )
    parts.append("</svg>")
    return _svg(parts)


def balance_gauge(title: str, value: float | None, taking: str, giving: str) -> Markup:
    """A gauge from -1 (only taking) to +1 (only giving) with a marker at the balance."""
    left, right, mid = PAD, WIDTH - PAD, WIDTH / 2
    parts = [
        _open_svg("chart gauge", 60, title),
        f'<rect class="track" x="{left}" y="20" width="{right - left}" height="10" rx="5"/>',
        f'<line class="axis" x1="{mid}" y1="14" x2="{mid}" y2="36"/>',
        f'<text class="label start" x="{left}" y="52">{escape(taking)}</text>',
        f'<text class="label end" x="{right}" y="52">{escape(giving)}</text>',
    ]
    if value is not None:
        x = mid + (right - left) / 2 * value
        parts.append(f'<circle class="marker" cx="{x:.1f}" cy="25" r="8"/>')
        parts.append(f'<text class="value" x="{x:.1f}" y="11">{value:+.2f}</text>')
    parts.append("</svg>")
    return _svg(parts)


@router.get("/review")
def review_page(request: Request, core: CoreDep, lang: LangDep) -> Response:
    """The review: north star, balance, strength, diversity, yield, what is due."""
    # A GET reads (storage/uow.py), but the review may bring the touch summary up to date
    # inside its read: when another writer got there first, it simply runs again.
    r = retry_busy(lambda: insights.network_review(core.uow(), today=core.today(), now=_now(core)))

    def tr(msgid: str, **params: object) -> str:
        return translate(lang, msgid, **params)

    industry = r.diversity.dimensions[next(iter(r.diversity.dimensions))]
    charts = {
        "timeline": bar_chart(
            tr("Two-way relationships by month"),
            [
                (p.on.strftime("%m") if i < len(r.timeline) - 1 else tr("now"), p.count)
                for i, p in enumerate(r.timeline)
            ],
            highlight_last=True,
        ),
        "strength": bar_chart(
            tr("People by strength"), [(f"{lo}-{hi}", n) for lo, hi, n in r.strength_histogram]
        ),
        "industries": hbar_chart(
            tr("Industries of the people met in 12 months"),
            [(industry_label(k).in_language(lang), c) for k, c in industry.counts[:8]],
        ),
        "balance": balance_gauge(
            tr("Give/take balance"), r.balance.value, tr("only taking"), tr("only giving")
        ),
    }
    return render(
        request,
        "review.html",
        {
            "r": r,
            "charts": charts,
            "why": lambda e: explain_text(e, lang) if e else "",
            "duplicates": duplicates_count(request),
            "due": followups.list_followups(core.uow(), today=core.today(), now=_now(core)).shown,
        },
    )


@router.get("/review/followups")
def followups_page(request: Request, core: CoreDep, lang: LangDep) -> Response:
    """The event follow-up queue with a thank-you draft for each person, ready to copy."""
    found = insights.event_followups(core.uow(), today=core.today(), now=_now(core))
    drafts = [
        (
            f,
            insights_people.thank_you_message(
                core.uow(),
                person_id=f.person.person_id,
                event_id=f.item.encounter.event_id,
                today=core.today(),
            ),
        )
        for f in found
    ]
    return render(
        request,
        "review_followups.html",
        {
            "drafts": drafts,
            "why": lambda e: explain_text(e, lang) if e else "",
            **review_context(core),
        },
    )


@router.get("/review/drill")
def drill_page(request: Request, core: CoreDep) -> Response:
    """The next recall card: the memory cue (or photo) and three answers to type."""
    cards = drill.drill_cards_due(core.uow(), today=core.today(), limit=1)
    return render(request, "review_drill.html", {"card": cards[0] if cards else None})


@router.post("/review/drill")
def drill_answer(request: Request, core: CoreDep, lang: LangDep, form: FormDep) -> Response:
    """Grade an answer, schedule the card, and show the result with the next card."""
    raw = str(form.get("person_id", ""))
    if not raw.isdigit():
        raise ValidationError("person_id", "Choose a card to answer")
    result = drill.answer_drill(
        core.uow(),
        person_id=int(raw),
        name=str(form.get("name", "")),
        company=str(form.get("company", "")),
        place=str(form.get("place", "")),
        today=core.today(),
    )
    cards = drill.drill_cards_due(core.uow(), today=core.today(), limit=1)
    return render(
        request,
        "review_drill.html",
        {
            "card": cards[0] if cards else None,
            "result": result,
            "next_review": explain_text(result.explanation, lang),
        },
    )
