"""The rows of the follow-up lists (Today, /followups, the review's follow-ups), in Python.

Today shows every overdue follow-up, each with four small forms: rendered through a
Jinja include, each row cost ~0.6 ms (a new template context, a dozen translations and
four CSRF fields a row), half of the page's time.  Here the words and the CSRF field
are looked up once a page and each row is one string: the same markup, a tenth of the CPU.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from kinmyaku.i18n import translate
from kinmyaku.services.followups import DueItem
from kinmyaku.web.i18n import Texts
from kinmyaku.web.widgets import csrf


class FollowupRows:
    """Renders one follow-up row (``rows(item)``) with what every row of a page shares."""

    def __init__(
        self,
        lang: str,
        csrf_token: str,
        back: str,
        today: date,
        tomorrow: date,
        thanks: Callable[[Any], str],
    ) -> None:
        self.texts = Texts(lang)
        self.thanks = thanks

        def t(msgid: str) -> Markup:
            return escape(translate(lang, msgid))

        self.lang = lang
        self.kinds = {
            "event": t("Thank-you after the event"),
            "cadence": t("Time to get in touch"),
        }
        self.i_owe, self.i_asked, self.due_today = t("I owe"), t("I asked"), t("due today")
        self.hidden = f'{csrf(csrf_token)}<input type="hidden" name="next" value="{escape(back)}">'
        self._far: dict[tuple[bool, int], Markup] = {}
        self.done, self.tomorrow_label = t("Done"), t("Tomorrow")
        self.snooze_day, self.snooze_week = t("Snooze 1 day"), t("Snooze 1 week")
        self.next_week, self.pick, self.new_date = t("Next week"), t("Pick a date"), t("New date")
        self.reschedule, self.thank_you = t("Reschedule"), t("Thank-you")
        self.min_day, self.tomorrow = today.isoformat(), tomorrow.isoformat()

    def badge(self, d: DueItem) -> Markup:
        """What kind of follow-up it is."""
        if d.source == "request":
            return self.i_owe if d.kind == "theirs" else self.i_asked
        if d.source == "logged":
            return escape(self.texts.label(d.kind))
        return self.kinds[d.source]

    def far(self, overdue: bool, days: int) -> Markup:
        """How far the due date is ("3 days overdue", "in 2 days"), looked up once a page."""
        found = self._far.get((overdue, days))
        if found is None:
            if overdue and days:
                text = translate(self.lang, "{days} overdue", days=self.texts.days(days))
            elif overdue or days == 0:
                text = self.due_today
            else:
                text = translate(self.lang, "in {days}", days=self.texts.days(days))
            found = self._far[(overdue, days)] = escape(text)
        return found

    def when(self, d: DueItem) -> str:
        """The due date and how far it is (escaped)."""
        return f"{escape(self.texts.day(d.due_on))} · {self.far(d.overdue, d.days)}"

    def __call__(self, d: DueItem) -> Markup:
        """One ``<li>`` row: the person, what is due, and done / snooze / reschedule."""
        key, name = escape(d.key), escape(d.name)
        hidden_name = f'<span class="visually-hidden"> {name}</span>'
        target = f"/followups/{key}"
        swap = f'hx-target="#fu-{key}" hx-swap="outerHTML"'

        def form(action: str, extra: str, button: str) -> str:
            return (
                f'    <form method="post" action="{target}/{action}" '
                f'hx-post="{target}/{action}" {swap}>\n'
                f"      {self.hidden}{extra}\n      {button}\n    </form>\n"
            )

        what = f'<span class="fu-what">{escape(d.what)}</span>' if d.what else ""
        return Markup(  # noqa: S704 (every value above is escaped)
            f'<li class="fu-row{" is-overdue" if d.overdue else ""}" id="fu-{key}">\n'
            f'  <div class="fu-main">\n'
            f'    <a class="fu-name" href="/people/{d.person_id}">{name}</a>\n'
            f'    <span class="badge">{self.badge(d)}</span>\n'
            f"    {what}\n"
            f'    <span class="{"overdue" if d.overdue else "due"}">{self.when(d)}</span>\n'
            f"  </div>\n"
            f'  <div class="fu-actions">\n'
            + form(
                "done",
                "",
                f'<button type="submit" class="small primary">{self.done}{hidden_name}</button>',
            )
            + form(
                "snooze",
                '<input type="hidden" name="days" value="1">',
                f'<button type="submit" class="small" title="{self.snooze_day}">'
                f"{self.tomorrow_label}{hidden_name}</button>",
            )
            + form(
                "snooze",
                '<input type="hidden" name="days" value="7">',
                f'<button type="submit" class="small" title="{self.snooze_week}">'
                f"{self.next_week}{hidden_name}</button>",
            )
            + f'    <details class="fu-pick">\n'
            f"      <summary>{self.pick}</summary>\n"
            f'      <form method="post" action="{target}/reschedule" '
            f'hx-post="{target}/reschedule" {swap}>\n'
            f"        {self.hidden}\n"
            f'        <label for="fu-on-{key}">{self.new_date}</label>\n'
            f'        <input type="date" id="fu-on-{key}" name="on" min="{self.min_day}" '
            f'value="{self.tomorrow}" required>\n'
            f'        <button type="submit" class="small">{self.reschedule}</button>\n'
            f"      </form>\n"
            f"    </details>\n"
            f'    <a class="button small fu-thanks" href="{escape(self.thanks(d))}">'
            f"{self.thank_you}{hidden_name}</a>\n"
            f"  </div>\n"
            f"</li>\n"
        )
