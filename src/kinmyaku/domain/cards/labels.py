"""The words of a card: phone labels, legal forms, titles, departments, prefectures.

A number takes the kind of the label printed before it on its line (``TEL 03-… FAX 03-…``
gives one tel and one fax); a fax is never reported as the phone.  A number with no
label is a mobile when it starts 070/080/090, else a tel, unless it is the main line's
neighbour (the fax is usually the main number plus one), which is taken as the fax.
"""

from __future__ import annotations

import re
import unicodedata

PHONE_LABELS: tuple[tuple[str, str], ...] = (
    ("fax", r"fax\.?|facsimile|ファクス|ファックス|ＦＡＸ|f"),
    ("mobile", r"携帯(?:電話)?|mobile|mob\.?|cell(?:ular)?|mo|m"),
    ("direct", r"直通|direct|dir\.?|d"),
    ("tel", r"tel\.?|電話(?:番号)?|phone|ph\.?|office|代表|t"),
)
_LABEL = re.compile(
    "|".join(f"(?P<{kind}>(?<![a-z])(?:{words})(?![a-z]))" for kind, words in PHONE_LABELS),
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?:\+\s?81[\s\-.]*(?:\(0\))?|\(?0)\d[\d\s\-.()]{6,}\d")
_NOISE_IN_NUMBER = re.compile(r"(?<=\d)[^\d\s\-+().,:;a-zA-Z](?=[\d\-])")
_MOBILE = re.compile(r"^0[789]0")

KANJI_DIGITS = str.maketrans("〇零一二三四五六七八九ニO", "0012345678920")
_KANJI_RUN = re.compile(
    r"[〇零一二三四五六七八九ニO0-9ー\-－―‐|｜l][〇零一二三四五六七八九ニO0-9ー\-－―‐|｜l ]{3,}"
)

LEGAL_FORMS = (
    "株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "一般社団法人", "一般財団法人",
    "公益社団法人", "公益財団法人", "特定非営利活動法人", "NPO法人", "税理士法人", "弁護士法人",
    "監査法人", "司法書士法人", "医療法人", "学校法人", "社会福祉法人", "(株)", "(有)", "(同)",
    "㈱", "㈲",
)  # fmt: skip
OFFICE_WORDS = (
    "事務所", "大学", "病院", "銀行", "協会", "研究所", "財団", "クリニック", "法人", "会社",
    "組合", "商工会", "学校", "学園", "信用金庫", "役所", "省", "庁",
)  # fmt: skip
TITLES = (
    "代表取締役社長", "代表取締役会長", "代表取締役", "取締役副社長", "専務取締役", "常務取締役",
    "取締役", "執行役員", "代表社員", "代表理事", "理事長", "理事", "社長", "副社長", "会長",
    "本部長", "事業部長", "部長代理", "副部長", "部長", "次長", "課長代理", "課長補佐", "課長",
    "係長", "主任", "主査", "室長", "所長", "支店長", "店長", "工場長", "センター長", "グループ長",
    "シニアマネージャー", "マネージャー", "マネジャー", "リーダー", "チーフ",
    "シニアエンジニア", "エンジニア", "シニアコンサルタント", "コンサルタント", "ディレクター",
    "プロデューサー", "デザイナー", "アナリスト", "スペシャリスト", "アドバイザー",
    "税理士", "公認会計士", "弁護士", "弁理士", "司法書士", "社会保険労務士", "行政書士",
    "名誉教授", "准教授", "教授", "講師", "助教", "医師", "院長", "看護師", "研究員", "担当",
)  # fmt: skip
DEPARTMENT_ENDS = (
    "部", "課", "室", "本部", "グループ", "センター", "チーム", "支店", "営業所", "事業所",
    "学部", "研究科", "研究室", "科", "局", "係", "ユニット", "オフィス", "工場",
)  # fmt: skip
TITLES_EN = (
    "ceo", "cto", "cfo", "coo", "president", "chairman", "director", "manager", "engineer",
    "officer", "consultant", "associate", "supervisor", "head", "lead", "partner", "professor",
    "designer", "analyst", "specialist", "staff", "representative", "executive", "attorney",
)  # fmt: skip
COMPANY_EN = re.compile(
    r"\b(inc|co\.?,?\s*ltd|ltd|llc|corp|corporation|k\.?k|company|group|office|"
    r"university|hospital|bank|associates|partners|llp)\b\.?",
    re.IGNORECASE,
)
PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)  # fmt: skip
BUILDING = re.compile(r"(ビル|タワー|ヒルズ|プラザ|センター|会館|\d+\s*(F|階|号室|号)|\d{3,4})\s*$")

_KATAKANA_DASH = re.compile(r"(?<=[\u30a1-\u30fa])[一\-－―‐](?=[\u30a1-\u30fa]|\s|$)")
_LOOKALIKES = {"二": "ニ", "口": "ロ", "力": "カ", "工": "エ", "卜": "ト", "八": "ハ", "夕": "タ"}
_KATAKANA_LOOKALIKE = re.compile(
    r"(?<=[\u30a1-\u30fc])[二口力工卜八夕](?=[\u30a1-\u30fc])|(?<=[\u30a1-\u30fc]{2})[二口力工卜八夕]$"
)
"""Kanji that OCR reads for the katakana they look like, between katakana (エンジ二ア)."""
_CJK = "\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f々〆〒"
_SPACES_IN_CJK = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")


def normalize(text: str) -> str:
    """NFKC, one space between words, none between Japanese characters (OCR adds them)."""
    text = unicodedata.normalize("NFKC", text).replace("\u3000", " ")
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text))
    text = _KATAKANA_DASH.sub("ー", _SPACES_IN_CJK.sub("", text))
    return _KATAKANA_LOOKALIKE.sub(_lookalike, text)


def _lookalike(match: re.Match[str]) -> str:
    """The katakana a kanji was misread for, unless it stands between dashes (四ー八ー三 is
    a street number)."""
    text, at = match.string, match.start()
    if 0 < at < len(text) - 1 and text[at - 1] == text[at + 1] == "ー":
        return match.group(0)
    return _LOOKALIKES[match.group(0)]


_LABEL_INSIDE = re.compile(
    r"(?<=[\u3000-\u9fff\d])\s*(?=(?:電話|TEL|Tel|FAX|Fax|携帯|直通)[\s:.]*[0-9〇零一二三四五六七八九(+])"
)


def split_labels(text: str) -> list[str]:
    """A line cut before each phone label that follows other text (縦書き columns run on)."""
    return [part.strip() for part in _LABEL_INSIDE.split(text) if part.strip()]


def _numerals(match: re.Match[str]) -> str:
    run = match.group(0)
    if sum(ch in "〇零一二三四五六七八九ニ" for ch in run) < 3:
        return run
    tail = " " if run.endswith(" ") else ""
    # Among kanji numerals a 1, l or | is the dash (ー) misread: digits are written in kanji.
    run = re.sub(r"[ー\-－―‐|｜l1]+", "-", run.replace(" ", ""))
    return run.translate(KANJI_DIGITS) + tail


def kanji_numerals(text: str) -> str:
    """Runs of kanji numerals (縦書き: 〇三ー一二三四) as digits with hyphens."""
    return _KANJI_RUN.sub(_numerals, text)


def digits_of(number: str) -> str:
    """The digits of a number, +81 turned into a leading 0."""
    found = re.sub(r"\D", "", number.replace("(0)", ""))
    if number.strip().startswith("+") and found.startswith("81"):
        found = "0" + found[2:]
    return found


def _formatted(number: str) -> str:
    if number.strip().startswith("+"):
        digits = digits_of(number)
        groups = [g for g in re.split(r"[\s\-.()]+", number.strip())[1:] if g and g != "0"]
        groups = [re.sub(r"\D", "", g) for g in groups]
        if groups:
            groups[0] = "0" + groups[0]
            return "-".join(g for g in groups if g) if "".join(groups) == digits else digits
        return digits
    groups = [re.sub(r"\D", "", g) for g in re.split(r"[\s\-.()]+", number.strip())]
    return "-".join(g for g in groups if g)


def phones_in(line: str) -> list[tuple[str, str, bool]]:
    """The numbers of one line: (kind, number, labelled), kind from the label before each."""
    found: list[tuple[str, str, bool]] = []
    line = _NOISE_IN_NUMBER.sub("", line)
    start = 0
    for match in _NUMBER.finditer(line):
        digits = digits_of(match.group(0))
        if not 9 <= len(digits) <= 11:
            start = match.end()
            continue
        before = line[start : match.start()]
        labels = list(_LABEL.finditer(before))
        kind = ""
        if labels:
            kind = next(k for k, v in labels[-1].groupdict().items() if v)
        found.append((kind, _formatted(match.group(0)), bool(kind)))
        start = match.end()
    return found


def phone_kind(number: str, kind: str, main: str) -> tuple[str, float]:
    """The kind of a number read with no label: mobile by prefix, fax next to the main line."""
    if kind:
        return kind, 0.95
    digits = digits_of(number)
    if _MOBILE.match(digits):
        return "mobile", 0.8
    main_digits = digits_of(main) if main else ""
    if main_digits and len(main_digits) == len(digits) and main_digits[:-2] == digits[:-2]:
        return "fax", 0.5
    return "tel", 0.6


def title_split(text: str) -> tuple[str, str]:
    """(department, title) of a line such as 営業部 部長; the title is a known word at its end.
    A title of five characters or more whose first one OCR lost (ネージャー) is that title,
    when it is the whole line or follows a department."""
    compact = text.strip()
    for title in sorted(TITLES, key=len, reverse=True):
        if compact.endswith(title):
            return compact[: -len(title)].strip(" /・,"), title
    for title in sorted(TITLES, key=len):
        cut = title[1:]
        if len(cut) >= 4 and compact.endswith(cut):
            department = compact[: -len(cut)].strip(" /・,")
            if not department or is_department(department):
                return department, title
    return compact, ""


def is_department(text: str) -> bool:
    """A department line: ends with 部, 課, 室, グループ … (and holds no digits)."""
    words = text.replace("　", " ").split(" ")
    return bool(text) and not re.search(r"\d", text) and words[-1].endswith(DEPARTMENT_ENDS)


def mend_legal_form(text: str) -> str:
    """A legal form with one character misread put right: 一艇社団法人 -> 一般社団法人."""
    if any(form in text for form in LEGAL_FORMS):
        return text
    for form in LEGAL_FORMS:
        if len(form) < 4:
            continue
        for start in range(len(text) - len(form) + 1):
            window = text[start : start + len(form)]
            if sum(a != b for a, b in zip(window, form, strict=True)) == 1:
                return text[:start] + form + text[start + len(form) :]
    return text


def is_company(text: str) -> bool:
    """A company line: a legal form (one of its characters may be misread: 合同全社), or an
    office word such as 事務所, 大学, 病院."""
    if any(form in text for form in LEGAL_FORMS) or text.endswith(OFFICE_WORDS):
        return True
    if "会社" in text or "法人" in text:  # 一般社団法人 with 社団 misread
        return True
    return not re.search(r"[\d@]", text) and mend_legal_form(text) != text


_FLOOR = re.compile(r"(?<![A-Za-z])([0-9SOIl]*[SOIl][0-9SOIl]*)\s*(F|階)$")
_FLOOR_DIGITS = str.maketrans("SOIl", "5011")


def mend_floor(text: str) -> str:
    """A building line's floor with letters OCR reads for digits put right: ビル SF -> ビル 5F."""
    return _FLOOR.sub(lambda m: m.group(1).translate(_FLOOR_DIGITS) + m.group(2), text)
