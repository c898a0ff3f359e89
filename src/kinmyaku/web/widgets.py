"""Form widgets the templates call as ``m.field(...)``, ``m.select(...)`` and so on.

They were Jinja macros; a macro call costs Jinja about ten times what a Python function
does, and the person page makes some sixty of them (every section's edit form), which was
most of its rendering time. The markup is the same: labelled controls, ``aria-invalid`` and
``aria-describedby`` for errors and hints, every value escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

# Each widget builds its markup with f-strings in which every value passes through
# ``escape`` (Markup.format would do the same at seven times the cost), then marks the
# result safe once: hence the ``noqa: S704`` on those lines; tests/unit/test_widgets.py
# checks the escaping.


def _attrs(attrs: Mapping[str, Any]) -> str:
    return "".join(f' {escape(k)}="{escape(v)}"' for k, v in attrs.items())


def _error(name: str, errors: Mapping[str, Any]) -> str:
    message = errors.get(name)
    if not message:
        return ""
    return f'<p id="e-{escape(name)}" class="error" role="alert">{escape(message)}</p>'


def field(
    name: str,
    text: str,
    value: Any = "",
    errors: Mapping[str, Any] | None = None,
    type: str = "text",
    required: bool = False,
    hint: str = "",
    attrs: Mapping[str, Any] | None = None,
) -> Markup:
    """A labelled input (or textarea) with its hint and error message."""
    errors = errors or {}
    n = escape(name)
    invalid = bool(errors.get(name))
    star = ' <span class="req" aria-hidden="true">*</span>' if required else ""
    extra = " required" if required else ""
    if invalid:
        extra += f' aria-invalid="true" aria-describedby="e-{n}"'
    elif hint:
        extra += f' aria-describedby="h-{n}"'
    extra += _attrs(attrs or {})
    if type == "textarea":
        shown = escape(value or "")
        control = f'<textarea id="f-{n}" name="{n}" rows="3"{extra}>{shown}</textarea>'
    else:
        shown = escape("" if value is None else value)
        control = f'<input id="f-{n}" name="{n}" type="{escape(type)}" value="{shown}"{extra}>'
    help_text = f'<small id="h-{n}" class="hint">{escape(hint)}</small>' if hint else ""
    return Markup(  # noqa: S704 - every value above is escaped
        f'<div class="field{" invalid" if invalid else ""}">\n'
        f'  <label for="f-{n}">{escape(text)}{star}</label>\n'
        f"  {control}\n"
        f"  {help_text}{_error(name, errors)}\n"
        "</div>"
    )


def select(
    name: str,
    text: str,
    options: Iterable[tuple[Any, Any]],
    selected: Any = "",
    errors: Mapping[str, Any] | None = None,
    blank: str | None = None,
    attrs: Mapping[str, Any] | None = None,
) -> Markup:
    """A labelled select; ``options`` are (value, label) pairs, ``blank`` an empty first one."""
    errors = errors or {}
    n = escape(name)
    invalid = bool(errors.get(name))
    extra = f' aria-invalid="true" aria-describedby="e-{n}"' if invalid else ""
    extra += _attrs(attrs or {})
    chosen = str(selected)
    items = [f'<option value="">{escape(blank)}</option>'] if blank is not None else []
    for value, label in options:
        mark = " selected" if str(value) == chosen else ""
        items.append(f'<option value="{escape(value)}"{mark}>{escape(label)}</option>')
    options_html = "\n    ".join(items)
    return Markup(  # noqa: S704 - every value above is escaped
        f'<div class="field{" invalid" if invalid else ""}">\n'
        f'  <label for="f-{n}">{escape(text)}</label>\n'
        f'  <select id="f-{n}" name="{n}"{extra}>\n    {options_html}\n  </select>\n'
        f"  {_error(name, errors)}\n</div>"
    )


def form_errors(errors: Mapping[str, Any], known: Iterable[str] = ()) -> Markup:
    """The messages of errors that belong to no field shown (``known``), as one alert."""
    skip = set(known)
    others = [
        message
        for key, message in sorted(errors.items(), key=lambda item: str(item[0]).lower())
        if key not in skip
    ]
    if not others:
        return Markup("")
    body = "".join(f"<p>{escape(message)}</p>" for message in others)
    return Markup(f'<div class="alert" role="alert">\n  {body}\n</div>')  # noqa: S704


def csrf(token: str) -> Markup:
    """The hidden CSRF field of a form."""
    return Markup(f'<input type="hidden" name="csrf_token" value="{escape(token)}">')  # noqa: S704


def avatar(photo: str | None, name: str | None, size: str = "") -> Markup:
    """The person's photo, or the first letter of their name in a circle."""
    size_class = escape(size)
    if photo:
        return Markup(  # noqa: S704 - escaped
            f'<img class="avatar {size_class}" src="/photos/{escape(photo)}" alt="" loading="lazy">'
        )
    initial = escape((name or "?")[:1])
    return Markup(  # noqa: S704 - escaped
        f'<span class="avatar {size_class} initial" aria-hidden="true">{initial}</span>'
    )
