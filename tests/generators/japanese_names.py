"""Japanese names for generated data: family and given names with readings and weights.

Family names are weighted by their real frequency (thousands of holders, rounded, from
the usual rankings: 佐藤 about 1.9 million, 鈴木 1.8 million …), so that namesakes are
as common as in a real network; a few rare names (小鳥遊, 勅使河原) stand for the long
tail.  Given names carry a rough popularity weight for people born 1970–2000, and several
share a reading with another (雄太/裕太, 亮/涼, 優子/裕子, 隆/崇) as in life.

``romaji`` spells a hiragana reading the three ways a Japanese name meets Latin letters:
``hepburn`` (passport style, long vowels dropped: Shota, Sato), ``wapuro`` (as typed on a
keyboard: Shouta, Satou) and ``kunrei`` (Syouta, Satou).
"""

from __future__ import annotations

import unicodedata

import jaconv

Name = tuple[str, str, int]
"""(kanji, hiragana reading, weight)."""

FAMILY: tuple[Name, ...] = (
    ("佐藤", "さとう", 1880), ("鈴木", "すずき", 1790), ("高橋", "たかはし", 1410),
    ("田中", "たなか", 1330), ("伊藤", "いとう", 1070), ("渡辺", "わたなべ", 1070),
    ("山本", "やまもと", 1070), ("中村", "なかむら", 1050), ("小林", "こばやし", 1020),
    ("加藤", "かとう", 890), ("吉田", "よしだ", 830), ("山田", "やまだ", 810),
    ("佐々木", "ささき", 680), ("山口", "やまぐち", 640), ("松本", "まつもと", 630),
    ("井上", "いのうえ", 610), ("木村", "きむら", 570), ("林", "はやし", 530),
    ("斎藤", "さいとう", 520), ("清水", "しみず", 510), ("山崎", "やまざき", 480),
    ("森", "もり", 460), ("池田", "いけだ", 440), ("橋本", "はしもと", 440),
    ("阿部", "あべ", 430), ("石川", "いしかわ", 420), ("山下", "やました", 410),
    ("中島", "なかじま", 400), ("石井", "いしい", 390), ("小川", "おがわ", 380),
    ("前田", "まえだ", 370), ("岡田", "おかだ", 370), ("長谷川", "はせがわ", 360),
    ("藤田", "ふじた", 360), ("後藤", "ごとう", 350), ("近藤", "こんどう", 350),
    ("村上", "むらかみ", 340), ("遠藤", "えんどう", 320), ("青木", "あおき", 310),
    ("坂本", "さかもと", 310), ("福田", "ふくだ", 300), ("太田", "おおた", 300),
    ("西村", "にしむら", 290), ("藤井", "ふじい", 290), ("金子", "かねこ", 280),
    ("岡本", "おかもと", 280), ("藤原", "ふじわら", 280), ("中野", "なかの", 270),
    ("三浦", "みうら", 270), ("原田", "はらだ", 270), ("松田", "まつだ", 260),
    ("竹内", "たけうち", 260), ("中川", "なかがわ", 250), ("小野", "おの", 250),
    ("田村", "たむら", 250), ("和田", "わだ", 240), ("石田", "いしだ", 230),
    ("上田", "うえだ", 230), ("森田", "もりた", 230), ("柴田", "しばた", 220),
    ("酒井", "さかい", 220), ("工藤", "くどう", 220), ("横山", "よこやま", 220),
    ("宮崎", "みやざき", 210), ("内田", "うちだ", 210), ("安藤", "あんどう", 200),
    ("大野", "おおの", 200), ("丸山", "まるやま", 200), ("今井", "いまい", 190),
    ("村田", "むらた", 180), ("杉山", "すぎやま", 180), ("千葉", "ちば", 170),
    ("桜井", "さくらい", 170), ("野口", "のぐち", 160), ("菊地", "きくち", 160),
    ("菊池", "きくち", 150), ("浜田", "はまだ", 150), ("島田", "しまだ", 150),
    ("五十嵐", "いがらし", 140), ("沢田", "さわだ", 130), ("渡部", "わたなべ", 130),
    ("服部", "はっとり", 130), ("広瀬", "ひろせ", 130), ("小沢", "おざわ", 120),
    ("望月", "もちづき", 110), ("熊谷", "くまがい", 110), ("東海林", "しょうじ", 8),
    ("小鳥遊", "たかなし", 1), ("勅使河原", "てしがわら", 2), ("九十九", "つくも", 2),
    ("一青", "ひとと", 1), ("五百旗頭", "いおきべ", 1),
)  # fmt: skip

MALE: tuple[Name, ...] = (
    ("翔太", "しょうた", 10), ("健太", "けんた", 10), ("大輔", "だいすけ", 9),
    ("拓也", "たくや", 9), ("翔", "しょう", 7), ("健", "けん", 6), ("誠", "まこと", 6),
    ("直樹", "なおき", 6), ("達也", "たつや", 6), ("和也", "かずや", 6), ("雄太", "ゆうた", 6),
    ("大樹", "だいき", 6), ("亮", "りょう", 5), ("翔平", "しょうへい", 5), ("拓海", "たくみ", 5),
    ("悠斗", "ゆうと", 4), ("陽介", "ようすけ", 4), ("俊介", "しゅんすけ", 4),
    ("大翔", "ひろと", 4), ("蓮", "れん", 4), ("隆", "たかし", 4), ("勇気", "ゆうき", 4),
    ("裕太", "ゆうた", 4), ("祐介", "ゆうすけ", 4), ("哲也", "てつや", 4), ("智也", "ともや", 4),
    ("浩二", "こうじ", 3), ("慎也", "しんや", 3), ("剛", "つよし", 3), ("淳", "じゅん", 3),
    ("涼", "りょう", 3), ("駿", "しゅん", 3), ("颯太", "そうた", 3), ("海斗", "かいと", 3),
    ("秀樹", "ひでき", 3), ("康平", "こうへい", 3), ("雅人", "まさと", 3), ("正樹", "まさき", 3),
    ("卓也", "たくや", 3), ("健一", "けんいち", 3), ("真一", "しんいち", 3),
    ("崇", "たかし", 2), ("圭", "けい", 2), ("光", "ひかる", 2), ("純一", "じゅんいち", 2),
    ("悠真", "ゆうま", 2), ("湊", "みなと", 2), ("樹", "いつき", 2), ("一郎", "いちろう", 2),
)  # fmt: skip

FEMALE: tuple[Name, ...] = (
    ("美咲", "みさき", 8), ("愛", "あい", 6), ("彩", "あや", 5), ("恵", "めぐみ", 5),
    ("結衣", "ゆい", 5), ("優子", "ゆうこ", 4), ("さくら", "さくら", 4), ("葵", "あおい", 4),
    ("麻衣", "まい", 4), ("美穂", "みほ", 4), ("沙織", "さおり", 4), ("香織", "かおり", 4),
    ("由佳", "ゆか", 4), ("遥", "はるか", 4), ("陽子", "ようこ", 3), ("真由美", "まゆみ", 3),
    ("由美", "ゆみ", 3), ("舞", "まい", 3), ("千尋", "ちひろ", 3), ("奈々", "なな", 3),
    ("智子", "ともこ", 3), ("瞳", "ひとみ", 3), ("裕子", "ゆうこ", 3), ("直美", "なおみ", 3),
    ("明日香", "あすか", 3), ("七海", "ななみ", 3), ("美紀", "みき", 3), ("絵里", "えり", 3),
    ("加奈子", "かなこ", 3), ("理恵", "りえ", 3), ("美香", "みか", 3), ("亜美", "あみ", 3),
    ("愛美", "まなみ", 3), ("彩花", "あやか", 3), ("京子", "きょうこ", 2), ("明美", "あけみ", 2),
    ("千秋", "ちあき", 2), ("楓", "かえで", 2), ("萌", "もえ", 2), ("真央", "まお", 2),
    ("莉子", "りこ", 2), ("陽菜", "ひな", 2), ("菜々子", "ななこ", 2), ("花子", "はなこ", 1),
)  # fmt: skip

FATHERS: tuple[Name, ...] = (
    ("浩", "ひろし", 4), ("茂", "しげる", 3), ("博", "ひろし", 3), ("勝", "まさる", 2),
    ("清", "きよし", 2), ("正", "ただし", 2), ("和夫", "かずお", 3), ("秀夫", "ひでお", 2),
    ("昭", "あきら", 2), ("進", "すすむ", 2), ("実", "みのる", 2), ("豊", "ゆたか", 2),
)  # fmt: skip

VARIANTS: dict[str, tuple[str, ...]] = {
    "高橋": ("髙橋",),
    "渡辺": ("渡邉", "渡邊"),
    "斎藤": ("齋藤", "齊藤"),
    "山崎": ("山﨑",),
    "浜田": ("濱田",),
    "沢田": ("澤田",),
    "小沢": ("小澤",),
    "広瀬": ("廣瀬",),
    "島田": ("嶋田",),
    "桜井": ("櫻井",),
}
"""異体字: other ways the same family name is written (on a business card, in a registry)."""

FOLD = {variant: plain for plain, variants in VARIANTS.items() for variant in variants}


def fold_name(name: str) -> str:
    """The name with width, spaces and 異体字 folded (髙橋 → 高橋): what namesakes share."""
    text = unicodedata.normalize("NFKC", name).replace(" ", "")
    for variant, plain in FOLD.items():
        text = text.replace(variant, plain)
    return text


_KANA = {
    "あ": "a", "い": "i", "う": "u", "え": "e", "お": "o",
    "か": "ka", "き": "ki", "く": "ku", "け": "ke", "こ": "ko",
    "さ": "sa", "し": "shi", "す": "su", "せ": "se", "そ": "so",
    "た": "ta", "ち": "chi", "つ": "tsu", "て": "te", "と": "to",
    "な": "na", "に": "ni", "ぬ": "nu", "ね": "ne", "の": "no",
    "は": "ha", "ひ": "hi", "ふ": "fu", "へ": "he", "ほ": "ho",
    "ま": "ma", "み": "mi", "む": "mu", "め": "me", "も": "mo",
    "や": "ya", "ゆ": "yu", "よ": "yo",
    "ら": "ra", "り": "ri", "る": "ru", "れ": "re", "ろ": "ro",
    "わ": "wa", "を": "o", "ん": "n",
    "が": "ga", "ぎ": "gi", "ぐ": "gu", "げ": "ge", "ご": "go",
    "ざ": "za", "じ": "ji", "ず": "zu", "ぜ": "ze", "ぞ": "zo",
    "だ": "da", "ぢ": "ji", "づ": "zu", "で": "de", "ど": "do",
    "ば": "ba", "び": "bi", "ぶ": "bu", "べ": "be", "ぼ": "bo",
    "ぱ": "pa", "ぴ": "pi", "ぷ": "pu", "ぺ": "pe", "ぽ": "po",
}  # fmt: skip
_SMALL = {"ゃ": "a", "ゅ": "u", "ょ": "o"}
_KUNREI = {"shi": "si", "chi": "ti", "tsu": "tu", "fu": "hu", "ji": "zi", "sh": "sy", "ch": "ty"}
_KUNREI_J = {"ja": "zya", "ju": "zyu", "jo": "zyo"}


def _syllables(reading: str) -> list[str]:
    """Hepburn syllables of a hiragana reading (きょう → kyo, u)."""
    out: list[str] = []
    double = False
    for char in reading:
        if char == "っ":
            double = True
            continue
        if char in _SMALL and out:
            head = out.pop()
            stem = head[:-1]  # きょ → ky+o, しょ → sh+o, じょ → j+o
            syllable = (stem if stem in ("sh", "ch", "j") else stem + "y") + _SMALL[char]
        else:
            syllable = _KANA.get(char, "")
        if double and syllable:
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
            double = False
        out.append(syllable)
    return out


def romaji(reading: str, style: str = "hepburn") -> str:
    """Spell a hiragana reading in Latin letters, capitalised: Shota, Shouta or Syouta."""
    syllables = _syllables(jaconv.kata2hira(reading))
    if style == "kunrei":
        converted = []
        for syllable in syllables:
            if syllable in _KUNREI_J:
                syllable = _KUNREI_J[syllable]
            for hepburn, kunrei in _KUNREI.items():
                if syllable.startswith(hepburn):
                    syllable = kunrei + syllable[len(hepburn) :]
                    break
            converted.append(syllable)
        syllables = converted
    text = "".join(syllables)
    if style == "hepburn":
        for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u")):
            text = text.replace(long, short)
    return text.capitalize()


def katakana(reading: str, *, half_width: bool = False) -> str:
    """The reading in katakana, full or half width (タカハシ, ﾀｶﾊｼ)."""
    kata = jaconv.hira2kata(reading)
    return jaconv.z2h(kata, kana=True, digit=False, ascii=False) if half_width else kata
