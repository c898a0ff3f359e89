"""Company sounds (``keys.company_sound``) of many names, in a helper process when they
need pykakasi: its dictionaries take about 130 MB, which a process does not give back to
the system once its own objects sit among them, so the duplicates list of 100,000 people
reads them in a process of its own (which works while the people are read).

Run as ``python -m kinmyaku.services.identity.company_sounds``: a JSON list of names on
standard input, a JSON object name -> sound on standard output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Collection

from kinmyaku.domain.identity.keys import company_sound, company_sound_reads
from kinmyaku.domain.readings import reader_loaded

HELPER_FROM = 20000
"""The fewest people for which the sounds are made in a helper process (fewer: the
dictionaries fit, and a process's start costs more than it saves)."""


def _here(names: Collection[str]) -> dict[str, str]:
    return {name: company_sound(name) for name in names}


def start_company_sounds(
    names: Collection[str], *, people: int, helper_from: int = HELPER_FROM
) -> Callable[[], dict[str, str]]:
    """Start making the sounds of ``names``; the function returned waits for them.  A
    helper process makes them when the names need pykakasi, its dictionaries are not loaded
    here yet and there are at least ``helper_from`` people; otherwise they are made here."""
    if people < helper_from or reader_loaded() or not any(map(company_sound_reads, names)):
        return lambda: _here(names)
    data = json.dumps(list(names), ensure_ascii=False).encode()
    try:
        helper = subprocess.Popen(  # noqa: S603 (this interpreter, a module of kinmyaku)
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return lambda: _here(names)
    try:
        with helper.stdin or open(os.devnull, "wb") as sink:  # read at once by the helper
            sink.write(data)
    except OSError:
        pass  # the helper failed: collect() makes them here

    def collect() -> dict[str, str]:
        try:
            with helper.stdout or open(os.devnull, "rb") as source:
                out = source.read()
            helper.wait(timeout=600)
            found = json.loads(out)
        except (OSError, subprocess.SubprocessError, ValueError):
            helper.kill()
            helper.wait()
            return _here(names)
        if helper.returncode != 0 or not isinstance(found, dict):
            return _here(names)
        return {name: str(found.get(name, "")) for name in names}

    return collect


def main() -> None:
    """The helper process: names in, their sounds out (see the module's docstring)."""
    names = json.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(json.dumps(_here(names), ensure_ascii=False).encode())


if __name__ == "__main__":
    main()
