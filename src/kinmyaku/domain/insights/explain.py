"""Explanations: why a score is what it is, as a message key with parameters.

Scores return an ``Explanation`` (a key and plain parameters) instead of text, so the
CLI and the web render it in Japanese or English with ``render``. The templates are
plain ``str.format`` strings, Japanese first; the web may later move them to gettext.
In a template an integer formatted as ``{n:touch/touches}`` renders as "1 touch" or
"3 touches" (English needs it; Japanese does not).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class LocalText:
    """A short text in both languages (a label such as a dimension or an industry)."""

    ja: str
    en: str

    def in_language(self, language: str) -> str:
        """The text in this language ("ja" or "en"; anything else gets English)."""
        return self.ja if language == "ja" else self.en


ParamValue = str | int | float | LocalText | tuple[str | LocalText, ...]


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a value is what it is: a message key and its parameters."""

    key: str
    params: Mapping[str, ParamValue] = field(default_factory=lambda: MappingProxyType({}))


def explain(key: str, **params: ParamValue) -> Explanation:
    """Build an explanation, checking that both languages have a template for the key."""
    if key not in TEMPLATES["ja"] or key not in TEMPLATES["en"]:
        raise KeyError(f"no explanation template for {key!r}")
    return Explanation(key, MappingProxyType(params))


LANGUAGES = ("ja", "en")
LIST_SEPARATOR = {"ja": "、", "en": ", "}

TEMPLATES: Mapping[str, Mapping[str, str]] = {
    "ja": {
        "two_way.yes": "双方向：直近{months}か月でギブ{gave}回・テイク{received}回",
        "two_way.no": (
            "まだ双方向ではありません：直近{months}か月でギブ{gave}回・テイク{received}回"
        ),
        "balance": (
            "直近{months}か月でギブ{gave}回・テイク{received}回"
            "（重み {given_weight:g} 対 {received_weight:g}）"
        ),
        "balance.none": "直近{months}か月はギブもテイクも記録がありません",
        "balance.trend.more_giving": "前の{months}か月よりギブが増えています（{delta:+.2f}）",
        "balance.trend.more_taking": "前の{months}か月よりテイクが増えています（{delta:+.2f}）",
        "balance.trend.steady": "前の{months}か月と同じくらいです（{delta:+.2f}）",
        "one_sided.taking": (
            "テイクばかりです：直近{months}か月でギブ{gave}回・テイク{received}回。"
            "何かお返しをしましょう"
        ),
        "one_sided.giving": (
            "ギブばかりです：直近{months}か月でギブ{gave}回・テイク{received}回。"
            "遠慮なく頼ってみましょう"
        ),
        "strength": (
            "強さ {score:.0f}：最後の接点は{days}日前、直近{months}か月の接点{count}回、"
            "深さ{depth:.0%}、互恵性{reciprocity:.0%}"
        ),
        "strength.none": "強さ 0：まだ接点がありません",
        "cadence.overdue": (
            "{days_overdue}日超過：最後の接点は{days_since}日前（目安は{cadence}日ごと）"
        ),
        "cadence.due_in": (
            "あと{days_left}日：最後の接点は{days_since}日前（目安は{cadence}日ごと）"
        ),
        "cadence.never": "まだ接点がありません（目安は{cadence}日ごと）",
        "cadence.snoozed": "{until}までスヌーズ中",
        "cadence.basis.purpose": "目的「{purpose}」の目安：{cadence}日ごと",
        "cadence.basis.tier": "ランク{tier}の既定値：{cadence}日ごと",
        "cadence.basis.default": "既定値：{cadence}日ごと",
        "followup.late": "{met_on}に{event}で出会ってから{days}日、フォローがありません",
        "followup.due": "{event}で出会いました：あと{hours_left}時間以内にお礼を",
        "followup.due_days": "{event}で出会いました：あと{days}日以内にお礼を",
        "diversity": (
            "直近{months}か月に出会った{people}人の{dimension}は{distinct}種類："
            "多様性指数 {entropy:.2f}、均等度 {evenness:.0%}"
        ),
        "diversity.none": "直近{months}か月に出会った人の{dimension}は記録がありません",
        "diversity.trend.up": "前の{months}か月より多様になっています（{delta:+.2f}）",
        "diversity.trend.down": "前の{months}か月より偏っています（{delta:+.2f}）",
        "diversity.trend.steady": "前の{months}か月と同じくらいです（{delta:+.2f}）",
        "diversity.gaps": "まだ誰もいない業種（{count}）：{gaps}",
        "yield": "{met}人中{two_way}人が双方向、{strong}人が強い関係に（{rate:.0%}）",
        "forgotten": "{met_on}に出会ってから接点なし（{days}日）、メモも写真もありません",
        "forgotten.undated": "出会った日も接点もなく、メモも写真もありません",
        "drill.next": "次の復習は{due_on}（{interval}日後）",
        "giving.offer": "あなたの「{offer}」が{name}さんの「{need}」に役立ちます",
        "giving.introduce": (
            "{via}さんの「{offer}」が{name}さんの「{need}」に合います：紹介しましょう"
        ),
        "giving.ask": "{name}さんの「{offer}」があなたの「{need}」に合います：頼んでみましょう",
    },
    "en": {
        "two_way.yes": "Two-way: you gave {gave} and received {received} in {months:month/months}",
        "two_way.no": (
            "Not two-way yet: you gave {gave}, received {received} in {months:month/months}"
        ),
        "balance": (
            "You gave {gave}, received {received} in {months:month/months}"
            " (weight {given_weight:g} vs {received_weight:g})"
        ),
        "balance.none": "Nothing given or received in {months:month/months}",
        "balance.trend.more_giving": (
            "Giving more than in the previous {months:month/months} ({delta:+.2f})"
        ),
        "balance.trend.more_taking": (
            "Taking more than in the previous {months:month/months} ({delta:+.2f})"
        ),
        "balance.trend.steady": (
            "About the same as the previous {months:month/months} ({delta:+.2f})"
        ),
        "one_sided.taking": (
            "Only taking: you gave {gave}, received {received} in {months:month/months}."
            " Give something back"
        ),
        "one_sided.giving": (
            "Only giving: you gave {gave}, received {received} in {months:month/months}."
            " Feel free to ask for something"
        ),
        "strength": (
            "Strength {score:.0f}: last touch {days:day/days} ago, {count:touch/touches} in"
            " {months:month/months}, depth {depth:.0%}, reciprocity {reciprocity:.0%}"
        ),
        "strength.none": "Strength 0: no touch yet",
        "cadence.overdue": (
            "{days_overdue:day/days} overdue: last touch {days_since:day/days} ago"
            " (every {cadence:day/days})"
        ),
        "cadence.due_in": (
            "Due in {days_left:day/days}: last touch {days_since:day/days} ago"
            " (every {cadence:day/days})"
        ),
        "cadence.never": "No touch yet (every {cadence:day/days})",
        "cadence.snoozed": "Snoozed until {until}",
        "cadence.basis.purpose": "Purpose “{purpose}”: every {cadence:day/days}",
        "cadence.basis.tier": "Default for tier {tier}: every {cadence:day/days}",
        "cadence.basis.default": "Default: every {cadence:day/days}",
        "followup.late": "Met at {event} on {met_on}; no follow-up for {days:day/days}",
        "followup.due": "Met at {event}: say thank you within {hours_left:hour/hours}",
        "followup.due_days": "Met at {event}: say thank you within {days:day/days}",
        "diversity": (
            "The {people:person/people} you met in {months:month/months} span {distinct}"
            " {dimension}: diversity index {entropy:.2f}, evenness {evenness:.0%}"
        ),
        "diversity.none": "No {dimension} recorded for the people met in {months:month/months}",
        "diversity.trend.up": "More diverse than the previous {months:month/months} ({delta:+.2f})",
        "diversity.trend.down": (
            "Less diverse than the previous {months:month/months} ({delta:+.2f})"
        ),
        "diversity.trend.steady": (
            "About as diverse as the previous {months:month/months} ({delta:+.2f})"
        ),
        "diversity.gaps": "Industries with nobody yet ({count}): {gaps}",
        "yield": (
            "{two_way} of {met} became two-way, {strong:strong tie/strong ties} ({rate:.0%})"
        ),
        "forgotten": (
            "No touch since you met on {met_on} ({days:day/days} ago); no memory cue, no photo"
        ),
        "forgotten.undated": "No meeting date, no touch, no memory cue, no photo",
        "drill.next": "Next review on {due_on} (in {interval:day/days})",
        "giving.offer": "Your “{offer}” meets {name}'s need “{need}”",
        "giving.introduce": "{via}'s “{offer}” meets {name}'s need “{need}”: introduce them",
        "giving.ask": "{name}'s “{offer}” meets your need “{need}”: ask for it",
    },
}


def language_of(locale: str) -> str:
    """The template language for a locale: "ja" for ja/ja-JP/ja_JP, else "en"."""
    language = locale.replace("_", "-").split("-", 1)[0].lower()
    return language if language in LANGUAGES else "en"


_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(on: date, today: date) -> LocalText:
    """A date as people write it: 12月2日 / Dec 2, with the year only when it is not this one."""
    if on.year == today.year:
        return LocalText(f"{on.month}月{on.day}日", f"{_MONTHS_EN[on.month - 1]} {on.day}")
    return LocalText(
        f"{on.year}年{on.month}月{on.day}日", f"{_MONTHS_EN[on.month - 1]} {on.day}, {on.year}"
    )


class _Count(int):
    """An int whose format spec "one/many" picks the English singular or plural noun."""

    def __format__(self, spec: str) -> str:
        if "/" in spec:
            one, many = spec.split("/", 1)
            return f"{int(self)} {one if self == 1 else many}"
        return format(int(self), spec)


def _plain(value: ParamValue, language: str) -> str | int | float:
    if isinstance(value, int) and not isinstance(value, bool):
        return _Count(value)
    if isinstance(value, LocalText):
        return value.in_language(language)
    if isinstance(value, tuple):
        parts = (v.in_language(language) if isinstance(v, LocalText) else v for v in value)
        return LIST_SEPARATOR[language].join(parts)
    return value


def render(explanation: Explanation, locale: str = "ja") -> str:
    """The explanation as text in the locale's language (Japanese by default)."""
    language = language_of(locale)
    template = TEMPLATES[language][explanation.key]
    values = {name: _plain(v, language) for name, v in explanation.params.items()}
    return template.format_map(values)
