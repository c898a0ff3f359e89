"""Business cards (名刺) drawn with Pillow and the Noto CJK fonts, each with its ground truth.

``make_card(seed)`` draws one card, deterministic for its seed: a horizontal layout
(left-aligned, centred, large name, colour band, logo), a vertical 縦書き card, or a
bilingual card, sometimes with an English back side.  Its ``truth`` has the shape of
``kinmyaku scan --json`` (less ``confidence``).  ``as_photo`` turns a flat scan into a phone
photo on a table (perspective, 3-10° rotation, uneven light, blur, JPEG 70, background);
``as_hard_shot`` into a small, dark, blurred one.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from .japanese_companies import DEPARTMENTS, PREFECTURES, TITLES, TITLES_EN
from .japanese_names import FAMILY, FEMALE, MALE, VARIANTS, romaji

FONTS = "/usr/share/fonts/opentype/noto/"
GOTHIC = FONTS + "NotoSansCJK-Regular.ttc"
GOTHIC_BOLD = FONTS + "NotoSansCJK-Bold.ttc"
MINCHO = FONTS + "NotoSerifCJK-Regular.ttc"
MINCHO_BOLD = FONTS + "NotoSerifCJK-Bold.ttc"
WIDTH, HEIGHT = 1063, 638  # 91 x 55 mm at 300 dpi

RARE = (
    ("渡邉", "わたなべ"),
    ("五十嵐", "いがらし"),
    ("小鳥遊", "たかなし"),
    ("東海林", "しょうじ"),
)
FORMS_BEFORE = ("株式会社", "（株）", "合同会社", "有限会社", "一般社団法人", "税理士法人")
FORMS_AFTER = ("株式会社", "（株）", "合同会社", "有限会社", "税理士法人")
COMPANY_BODIES = (
    ("サンプル", "Sample"), ("東洋物産", "Toyo Bussan"), ("みらいソフト", "Mirai Soft"),
    ("日本テクノロジー", "Nihon Technology"), ("アオゾラ商事", "Aozora Shoji"),
    ("グローバルリンク", "GlobalLink"), ("ひかり電機", "Hikari Denki"), ("北斗建設", "Hokuto"),
    ("はやぶさ物流", "Hayabusa Logistics"), ("緑川製薬", "Midorikawa Pharma"),
    ("ブルーオーシャン", "Blue Ocean"), ("富士フードサービス", "Fuji Food Service"),
    ("さくらデザイン", "Sakura Design"), ("大和精機", "Yamato Seiki"), ("青葉会計", "Aoba"),
)  # fmt: skip
OFFICES = ("山田法律事務所", "青葉会計事務所", "東都大学", "湾岸総合病院", "佐野特許事務所")
DOMAINS = ("sample.co.jp", "toyo.jp", "mirai-soft.com", "example.co.jp", "aozora.jp", "hikari.jp")
BUILDINGS = ("サンプルビル5F", "丸の内タワー12階", "第二山田ビル3F", "グランドビル 201")
BANDS = ((30, 80, 160), (200, 40, 40), (20, 120, 90), (90, 90, 90), (230, 140, 20))
PHONE_LABELS = ("TEL", "Tel.", "電話", "T", "TEL:")
DIRECT_LABELS = ("直通", "Direct", "直通:")
MOBILE_LABELS = ("携帯", "Mobile", "M", "Cell", "携帯:")
FAX_LABELS = ("FAX", "Fax.", "F", "ファクス", "FAX:")


@dataclass
class Card:
    """One drawn card: its sides (front first) and what a perfect reader returns."""

    seed: int
    kind: str
    sides: list[Image.Image]
    truth: dict[str, Any]
    lines: list[str] = field(default_factory=list)


def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=0)


def _number(rng: random.Random, mobile: bool = False) -> str:
    if mobile:
        return f"0{rng.choice('789')}0-{rng.randrange(1000, 10000)}-{rng.randrange(1000, 10000)}"
    area = rng.choice(("03", "06", "052", "045", "092"))
    middle = rng.randrange(1000, 10000) if len(area) == 2 else rng.randrange(100, 1000)
    return f"{area}-{middle}-{rng.randrange(1000, 10000)}"


def _person(rng: random.Random) -> tuple[str, str, str, str]:
    if rng.random() < 0.2:
        family, family_reading = rng.choice(RARE)
    else:
        family, family_reading, _ = rng.choices(FAMILY, weights=[n[2] for n in FAMILY])[0]
        if family in VARIANTS and rng.random() < 0.3:
            family = rng.choice(VARIANTS[family])
    given, given_reading, _ = rng.choice(MALE + FEMALE)
    return family, given, family_reading, given_reading


def _company(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    body, english = rng.choice(COMPANY_BODIES)
    if roll < 0.12:
        office = rng.choice(OFFICES)
        return office, office
    if roll < 0.55:
        form = rng.choice(FORMS_BEFORE)
        return form + body, f"{english} Co., Ltd."
    return body + rng.choice(FORMS_AFTER), f"{english} Inc."


def _truth(rng: random.Random) -> dict[str, Any]:
    family, given, family_reading, given_reading = _person(rng)
    company, company_en = _company(rng)
    department = rng.choice([d for d in DEPARTMENTS if d])
    title = rng.choice([t for t in TITLES if t])
    postal, town = rng.choice(PREFECTURES)
    street = f"{town}{rng.randrange(1, 10)}-{rng.randrange(1, 20)}-{rng.randrange(1, 30)}"
    building = rng.choice(BUILDINGS) if rng.random() < 0.5 else ""
    domain = rng.choice(DOMAINS)
    user = rng.choice((romaji(given_reading).lower(), romaji(family_reading).lower()[0] + "."))
    email = f"{user}{romaji(family_reading).lower() if user.endswith('.') else ''}@{domain}"
    phones = [{"kind": "tel", "number": _number(rng)}]
    if rng.random() < 0.6:
        main = phones[0]["number"]
        phones.append({"kind": "fax", "number": main[:-1] + str((int(main[-1]) + 1) % 10)})
    if rng.random() < 0.3:
        phones.append({"kind": "direct", "number": _number(rng)})
    if rng.random() < 0.5:
        phones.append({"kind": "mobile", "number": _number(rng, mobile=True)})
    return {
        "family_name": family,
        "given_name": given,
        "family_reading": family_reading,
        "given_reading": given_reading,
        "company": company,
        "company_en": company_en,
        "department": department,
        "title": title,
        "title_en": TITLES_EN.get(title, ""),
        "emails": [email],
        "phones": phones,
        "postal_code": postal,
        "address": street + building,
        "address_lines": [street, building] if building else [street],
        "url": f"https://www.{domain}" if rng.random() < 0.6 else "",
    }


def _phone_lines(rng: random.Random, phones: list[dict[str, str]]) -> list[str]:
    by_kind = {p["kind"]: p["number"] for p in phones}
    lines = []
    tel = f"{rng.choice(PHONE_LABELS)} {by_kind['tel']}"
    if "fax" in by_kind and rng.random() < 0.6:
        lines.append(f"{tel}  {rng.choice(FAX_LABELS)} {by_kind['fax']}")
    else:
        lines.append(tel)
        if "fax" in by_kind:
            lines.append(f"{rng.choice(FAX_LABELS)} {by_kind['fax']}")
    if "direct" in by_kind:
        lines.append(f"{rng.choice(DIRECT_LABELS)} {by_kind['direct']}")
    if "mobile" in by_kind:
        lines.append(f"{rng.choice(MOBILE_LABELS)} {by_kind['mobile']}")
    return lines


def _reading_text(rng: random.Random, truth: dict[str, Any]) -> str:
    roll = rng.random()
    if roll < 0.35:
        return f"{truth['family_reading']} {truth['given_reading']}"
    if roll < 0.6:
        kata = str.maketrans({chr(c): chr(c + 0x60) for c in range(0x3041, 0x3097)})
        return f"{truth['family_reading']} {truth['given_reading']}".translate(kata)
    family, given = romaji(truth["family_reading"]), romaji(truth["given_reading"])
    return f"{given} {family}" if roll < 0.8 else f"{family.upper()} {given}"


def _draw_horizontal(rng: random.Random, truth: dict[str, Any], layout: str) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    serif = rng.random() < 0.3
    regular, bold = (MINCHO, MINCHO_BOLD) if serif else (GOTHIC, GOTHIC_BOLD)
    band = rng.choice(BANDS)
    left = 70
    if layout == "band":
        draw.rectangle((0, 0, WIDTH, 40), fill=band)
    if layout == "logo":
        draw.ellipse((WIDTH - 190, 50, WIDTH - 80, 160), fill=band)
        draw.rectangle((WIDTH - 160, 80, WIDTH - 110, 130), fill=(255, 255, 255))
    if layout == "sideband":
        draw.rectangle((0, 0, 36, HEIGHT), fill=band)
        left = 90
    dept_line = rng.random() < 0.6
    small = rng.choice((26, 28, 30))
    name_size = 84 if layout == "large" else 68
    rows: list[tuple[str, int, str]] = [(truth["company"], small + 8, bold)]
    if dept_line:
        rows.append((f"{truth['department']}　{truth['title']}", small, regular))
    else:
        rows += [(truth["department"], small, regular), (truth["title"], small, regular)]
    reading = _reading_text(rng, truth)
    name = f"{truth['family_name']}　{truth['given_name']}"
    if rng.random() < 0.5:
        rows += [(reading, small - 4, regular), (name, name_size, bold)]
    else:
        rows += [(name, name_size, bold), (reading, small - 4, regular)]
    first, *more = truth["address_lines"]
    contact = [f"〒{truth['postal_code']} {first}", *more]
    contact += _phone_lines(rng, truth["phones"])
    contact.append(f"{rng.choice(('', 'E-mail: ', 'Mail '))}{truth['emails'][0]}")
    if truth["url"]:
        contact.append(truth["url"])
    rows += [(text, small - 4, regular) for text in contact]
    total = sum(size * 1.32 for _, size, _ in rows)
    y = max(50.0, (HEIGHT - total) / 2 + (20 if layout == "band" else 0))
    for text, size, path in rows:
        font = _font(path, size)
        width = draw.textlength(text, font=font)
        x = (WIDTH - width) / 2 if layout == "centred" else left
        draw.text((x, y), text, font=font, fill=(20, 20, 20))
        y += size * 1.32
    return image


_VERT = str.maketrans("0123456789-", "〇一二三四五六七八九ー")


def _draw_vertical(rng: random.Random, truth: dict[str, Any]) -> Image.Image:
    """A 縦書き card: columns right to left, numbers in kanji numerals."""
    image = Image.new("RGB", (HEIGHT, WIDTH), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    regular, bold = (MINCHO, MINCHO_BOLD) if rng.random() < 0.6 else (GOTHIC, GOTHIC_BOLD)
    tel = next(p["number"] for p in truth["phones"] if p["kind"] == "tel")
    truth["phones"] = [p for p in truth["phones"] if p["kind"] in ("tel", "fax")]
    truth["emails"], truth["url"], truth["address_lines"] = [], "", [truth["address_lines"][0]]
    truth["address"] = truth["address_lines"][0]
    fax = next((p["number"] for p in truth["phones"] if p["kind"] == "fax"), "")
    columns = [
        (truth["company"], 34, bold, 60),
        (f"{truth['department']}　{truth['title']}", 28, regular, 90),
        (f"{truth['family_name']}　{truth['given_name']}", 76, bold, 150),
        (f"〒{truth['postal_code'].translate(_VERT)}", 24, regular, 60),
        (truth["address"].translate(_VERT), 24, regular, 90),
        (f"電話　{tel.translate(_VERT)}", 24, regular, 60),
    ]
    if fax:
        columns.append((f"FAX　{fax.translate(_VERT)}", 24, regular, 60))
    x = HEIGHT - 50
    for text, size, path, top in columns:
        x -= int(size * 1.5)
        font = _font(path, size)
        draw.text((x, top), text, font=font, fill=(20, 20, 20), direction="ttb")
    return image


def _draw_back(truth: dict[str, Any]) -> Image.Image:
    """The English back side: romaji name, English title and company, phone and e-mail."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    family, given = romaji(truth["family_reading"]), romaji(truth["given_reading"])
    rows = [
        (truth["company_en"], 36),
        (truth["title_en"] or "Staff", 28),
        (f"{given} {family.upper()}", 64),
        (f"Tel. +81-{truth['phones'][0]['number'][1:]}", 26),
        (truth["emails"][0] if truth["emails"] else "", 26),
    ]
    y = 110
    for text, size in rows:
        draw.text((80, y), text, font=_font(GOTHIC, size), fill=(20, 20, 20))
        y += int(size * 1.5)
    return image


def make_card(seed: int) -> Card:
    """The card drawn for ``seed``: the same card every time."""
    rng = random.Random(seed)
    truth = _truth(rng)
    roll = rng.random()
    sides: list[Image.Image]
    if roll < 0.15:
        kind = "vertical"
        sides = [_draw_vertical(rng, truth)]
    else:
        kind = rng.choice(("left", "centred", "large", "band", "sideband", "logo"))
        sides = [_draw_horizontal(rng, truth, kind)]
        if rng.random() < 0.25:
            kind += "+back"
            sides.append(_draw_back(truth))
    for key in ("company_en", "title_en", "address_lines"):
        truth.pop(key)
    return Card(seed, kind, sides, truth)


def _perspective(points_from: np.ndarray, points_to: np.ndarray) -> list[float]:
    rows = []
    for (x, y), (u, v) in zip(points_to, points_from, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    solved = np.linalg.solve(np.array(rows, float), points_from.reshape(8))
    return [float(v) for v in solved]


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    out.seek(0)
    return Image.open(out).convert("RGB")


def as_photo(side: Image.Image, seed: int, *, scale: float = 1.0) -> Image.Image:
    """The card photographed on a table: tilted 3-10°, in perspective, lit unevenly, blurred."""
    rng = random.Random(seed)
    w, h = side.size
    canvas_w, canvas_h = int(max(w, h) * 1.45 * scale), int(max(w, h) * 1.2 * scale)
    tone = np.array(rng.choice(((120, 90, 60), (70, 70, 75), (150, 140, 120), (40, 60, 50))))
    noise = np.random.default_rng(seed).normal(0, 10, (canvas_h, canvas_w, 1))
    table = np.clip(tone + noise, 0, 255).astype(np.uint8)
    background = Image.fromarray(table, "RGB")
    angle = math.radians(rng.uniform(3, 10) * rng.choice((-1, 1)))
    cx, cy = canvas_w / 2 + rng.uniform(-30, 30), canvas_h / 2 + rng.uniform(-20, 20)
    sw, sh = w * scale * 0.5, h * scale * 0.5
    corners = []
    for dx, dy in ((-sw, -sh), (sw, -sh), (sw, sh), (-sw, sh)):
        jitter_x, jitter_y = rng.uniform(-0.05, 0.05) * sw, rng.uniform(-0.05, 0.05) * sh
        x = cx + (dx + jitter_x) * math.cos(angle) - (dy + jitter_y) * math.sin(angle)
        y = cy + (dx + jitter_x) * math.sin(angle) + (dy + jitter_y) * math.cos(angle)
        corners.append((x, y))
    source = np.array([(0, 0), (w, 0), (w, h), (0, h)], float)
    coefficients = _perspective(source, np.array(corners, float))
    size = (canvas_w, canvas_h)
    warped = side.transform(
        size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC
    )
    mask = Image.new("L", side.size, 255).transform(
        size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BILINEAR
    )
    background.paste(warped, (0, 0), mask)
    light = np.linspace(rng.uniform(0.7, 0.85), rng.uniform(1.0, 1.1), canvas_w)
    light = np.tile(light, (canvas_h, 1))[:, :, None]
    lit = np.clip(np.asarray(background, float) * light, 0, 255).astype(np.uint8)
    photo = Image.fromarray(lit, "RGB").filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.3)))
    return _jpeg(photo, 70)


def as_hard_shot(side: Image.Image, seed: int) -> Image.Image:
    """A small, dark and blurred photo: the card about 500 pixels wide."""
    photo = as_photo(side, seed, scale=0.5)
    dark = np.clip(np.asarray(photo, float) * 0.8, 0, 255).astype(np.uint8)
    return _jpeg(Image.fromarray(dark, "RGB").filter(ImageFilter.GaussianBlur(0.5)), 70)
