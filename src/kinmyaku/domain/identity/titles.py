"""Job titles as comparable keys: 課長代理 on an Eight card and "Assistant Manager" on
LinkedIn are one title.

Japanese business titles have usual English renderings (people translate their own title
on LinkedIn); each group below is one title, its key the first spelling.  An English word
may render several Japanese titles ("Manager": 課長 and マネージャー), which are still two
titles to each other.  A title in no group keeps its own folded spelling as its key, so
that two records with the same unusual title still agree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_GROUPS: tuple[tuple[str, ...], ...] = (
    ("代表取締役", "代表取締役社長", "社長", "代表", "ceo", "president", "president and ceo",
     "representative director", "founder and ceo", "managing director and ceo"),
    ("会長", "代表取締役会長", "chairman", "chairperson"),
    ("取締役", "director", "board director", "board member", "member of the board"),
    ("専務取締役", "senior managing director"),
    ("常務取締役", "managing director"),
    ("執行役員", "executive officer", "corporate officer", "vice president", "vp"),
    ("本部長", "division head", "head of division", "division director"),
    ("部長", "general manager", "department manager", "head of department", "gm"),
    ("次長", "deputy general manager", "deputy manager"),
    ("課長", "manager", "section manager", "section chief"),
    ("マネージャー", "マネジャー", "manager"),
    ("課長代理", "assistant manager", "acting manager", "deputy section manager"),
    ("係長", "supervisor", "subsection chief", "team leader", "チームリーダー", "リーダー",
     "team lead"),
    ("主任", "senior associate", "chief", "senior staff"),
    ("主査", "senior specialist"),
    ("シニアエンジニア", "senior engineer", "senior software engineer"),
    ("エンジニア", "engineer", "software engineer", "software developer", "developer",
     "プログラマー", "programmer"),
    ("コンサルタント", "consultant"),
    ("シニアコンサルタント", "senior consultant"),
    ("デザイナー", "designer"),
    ("営業", "営業担当", "sales", "sales representative", "account executive"),
    ("顧問", "advisor", "adviser"),
    ("教授", "professor"),
    ("准教授", "associate professor"),
    ("助教", "assistant professor"),
    ("講師", "lecturer"),
    ("研究員", "researcher", "research fellow"),
    ("医師", "doctor", "physician", "md"),
    ("看護師", "nurse"),
    ("弁護士", "lawyer", "attorney", "attorney at law"),
    ("公認会計士", "cpa", "certified public accountant"),
    ("税理士", "tax accountant", "certified tax accountant"),
    ("インターン", "intern"),
)  # fmt: skip

_KEYS_OF: dict[str, frozenset[str]] = {}
for _group in _GROUPS:
    for _spelling in _group:
        _KEYS_OF[_spelling] = _KEYS_OF.get(_spelling, frozenset()) | {_group[0]}

_NOISE = re.compile(r"[\s・/,&.\-‐－()（）]+")


def _fold(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).casefold().strip()
    text = text.replace("&", " and ")
    return " ".join(w for w in _NOISE.split(text) if w)


@lru_cache(maxsize=4096)
def title_keys(title: str) -> frozenset[str]:
    """The titles a job title may be (empty for none): 課長代理 and Assistant Manager share
    one; "Manager" is 課長 or マネージャー; an unknown title is its folded spelling."""
    folded = _fold(title)
    if not folded:
        return frozenset()
    known = _KEYS_OF.get(folded) or _KEYS_OF.get(folded.replace(" ", ""))
    return known if known is not None else frozenset({folded})
