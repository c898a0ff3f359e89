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

from kinmyaku.domain.limits import limit_of

# Each widget builds its markup with f-strings in which every value passes through
# ``escape`` (Markup.format would do the same at seven times the cost), then marks the
# result safe once: hence the ``noqa: S704`` on those lines; tests/unit/test_widgets.py
# checks the escaping.


def _attrs(attrs: Mapping[str, Any]) -> str:
    return "".join(f' {escape(k)}="{escape(v)}"' for k, v in attrs.items())


# Input types that hold free text: they get ``maxlength`` from domain/limits.py.
TEXT_TYPES = frozenset({"text", "textarea", "email", "tel", "url", "search"})


def _key(prefix: str, name: str) -> str:
    """The id part of a field: ``met-on`` for the field ``on`` of the form prefixed ``met``."""
    return f"{prefix}-{name}" if prefix else name


def _error(name: str, errors: Mapping[str, Any], key: str = "") -> str:
    message = errors.get(name)
    if not message:
        return ""
    return f'<p id="e-{escape(key or name)}" class="error" role="alert">{escape(message)}</p>'


def field(
    name: str,
    text: str,
    value: Any = "",
    errors: Mapping[str, Any] | None = None,
    type: str = "text",
    required: bool = False,
    hint: str = "",
    attrs: Mapping[str, Any] | None = None,
    prefix: str = "",
    limit: int | None = None,
) -> Markup:
    """A labelled input (or textarea) with its hint and error message.

    Ids are ``f-<prefix>-<name>`` (``prefix`` keeps them unique when a page has several
    forms); a text field gets ``maxlength`` from domain/limits.py (or ``limit``).
    """
    errors = errors or {}
    n, k = escape(name), escape(_key(prefix, name))
    invalid = bool(errors.get(name))
    star = ' <span class="req" aria-hidden="true">*</span>' if required else ""
    extra = " required" if required else ""
    if invalid:
        extra += f' aria-invalid="true" aria-describedby="e-{k}"'
    elif hint:
        extra += f' aria-describedby="h-{k}"'
    more = dict(attrs or {})
    if type in TEXT_TYPES and "maxlength" not in more:
        more["maxlength"] = limit or limit_of(name)
    extra += _attrs(more)
    if type == "textarea":
        shown = escape(value or "")
        control = f'<textarea id="f-{k}" name="{n}" rows="3"{extra}>{shown}</textarea>'
    else:
        shown = escape("" if value is None else value)
        control = f'<input id="f-{k}" name="{n}" type="{escape(type)}" value="{shown}"{extra}>'
    help_text = f'<small id="h-{k}" class="hint">{escape(hint)}</small>' if hint else ""
    return Markup(  # noqa: S704 - every value above is escaped
        f'<div class="field{" invalid" if invalid else ""}">\n'
        f'  <label for="f-{k}">{escape(text)}{star}</label>\n'
        f"  {control}\n"
        f"  {help_text}{_error(name, errors, k)}\n"
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
    prefix: str = "",
) -> Markup:
    """A labelled select; ``options`` are (value, label) pairs, ``blank`` an empty first one."""
    errors = errors or {}
    n, k = escape(name), escape(_key(prefix, name))
    invalid = bool(errors.get(name))
    extra = f' aria-invalid="true" aria-describedby="e-{k}"' if invalid else ""
    extra += _attrs(attrs or {})
    chosen = str(selected)
    items = [f'<option value="">{escape(blank)}</option>'] if blank is not None else []
    for value, label in options:
        mark = " selected" if str(value) == chosen else ""
        items.append(f'<option value="{escape(value)}"{mark}>{escape(label)}</option>')
    options_html = "\n    ".join(items)
    return Markup(  # noqa: S704 - every value above is escaped
        f'<div class="field{" invalid" if invalid else ""}">\n'
        f'  <label for="f-{k}">{escape(text)}</label>\n'
        f'  <select id="f-{k}" name="{n}"{extra}>\n    {options_html}\n  </select>\n'
        f"  {_error(name, errors, k)}\n</div>"
    )


def form_errors(errors: Mapping[str, Any], known: Iterable[str] = (), prefix: str = "") -> Markup:
    """The errors at the top of a form, as one alert.

    Errors of fields not shown (not in ``known``) are always listed. When two or more
    fields shown are wrong, every error is listed, each of a field linking to it (its
    message is also next to the field): the summary says at once all there is to fix.
    """
    skip = set(known)
    ordered = sorted(
        ((k, v) for k, v in errors.items() if v), key=lambda item: str(item[0]).lower()
    )
    summary = sum(1 for key, _ in ordered if key in skip) >= 2
    items = []
    for key, message in ordered:
        if key not in skip:
            items.append(f"<p>{escape(message)}</p>")
        elif summary:
            target = escape(_key(prefix, key))
            items.append(f'<p><a href="#f-{target}">{escape(message)}</a></p>')
    if not items:
        return Markup("")
    body = "".join(items)
    return Markup(  # noqa: S704 - every value above is escaped
        f'<div class="alert" role="alert">\n  {body}\n</div>'
    )


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
