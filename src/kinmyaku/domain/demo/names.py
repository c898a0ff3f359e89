"""Names for the demo network, with hand-written readings and realistic frequencies.

Common surnames carry their approximate number of bearers in Japan (in units of 10,000
people, out of about 125 million), so 佐藤 is drawn about 1.5% of the time, 鈴木 1.4%, 高橋
and 田中 1.1%.  Rarer surnames share the rest equally.  Variant spellings (髙橋, 齋藤,
渡邊, 山﨑 ...) appear at a plausible share of their common form, so that search by any
spelling can be shown.  About 5% of people have non-Japanese names in Latin script and
no kana reading.
"""

from __future__ import annotations

from dataclasses import dataclass

POPULATION = 12_500  # Japan's population in units of 10,000 people


@dataclass(frozen=True)
class NamePart:
    """A family or given name with its reading (hiragana) and its drawing weight."""

    text: str
    reading: str
    weight: float


# kanji, reading, bearers in units of 10,000 (approximate, from public surname rankings).
_COMMON_SURNAMES = """
佐藤 さとう 187
鈴木 すずき 179
高橋 たかはし 131
田中 たなか 134
伊藤 いとう 108
渡辺 わたなべ 96
山本 やまもと 108
中村 なかむら 105
小林 こばやし 102
加藤 かとう 89
吉田 よしだ 84
山田 やまだ 81
佐々木 ささき 68
山口 やまぐち 64
松本 まつもと 63
井上 いのうえ 61
木村 きむら 57
林 はやし 53
斎藤 さいとう 46
清水 しみず 51
山崎 やまざき 44
森 もり 46
池田 いけだ 44
橋本 はしもと 44
阿部 あべ 44
石川 いしかわ 43
山下 やました 42
中島 なかじま 40
石井 いしい 39
小川 おがわ 38
前田 まえだ 38
岡田 おかだ 38
長谷川 はせがわ 37
藤田 ふじた 37
後藤 ごとう 36
近藤 こんどう 35
村上 むらかみ 34
遠藤 えんどう 33
青木 あおき 33
坂本 さかもと 33
斉藤 さいとう 32
福田 ふくだ 32
太田 おおた 31
西村 にしむら 31
藤井 ふじい 30
金子 かねこ 30
岡本 おかもと 30
藤原 ふじわら 30
中野 なかの 29
三浦 みうら 29
原田 はらだ 29
中川 なかがわ 29
松田 まつだ 29
竹内 たけうち 28
小野 おの 28
田村 たむら 28
中山 なかやま 27
和田 わだ 27
石田 いしだ 27
森田 もりた 26
上田 うえだ 26
原 はら 26
内田 うちだ 26
柴田 しばた 25
酒井 さかい 25
宮崎 みやざき 23
横山 よこやま 25
高木 たかぎ 22
安藤 あんどう 24
宮本 みやもと 24
大野 おおの 24
小島 こじま 24
谷口 たにぐち 24
今井 いまい 23
工藤 くどう 23
高田 たかだ 23
増田 ますだ 23
丸山 まるやま 23
杉山 すぎやま 23
村田 むらた 23
大塚 おおつか 22
新井 あらい 22
小山 こやま 22
平野 ひらの 22
藤本 ふじもと 22
河野 こうの 22
上野 うえの 21
野口 のぐち 21
武田 たけだ 21
松井 まつい 21
千葉 ちば 21
岩崎 いわさき 18
菅原 すがわら 20
木下 きのした 20
久保 くぼ 20
佐野 さの 20
野村 のむら 20
松尾 まつお 20
市川 いちかわ 20
菊地 きくち 20
杉本 すぎもと 19
古川 ふるかわ 19
大西 おおにし 19
島田 しまだ 19
水野 みずの 19
桜井 さくらい 17
高野 たかの 19
渡部 わたなべ 19
吉川 よしかわ 18
山内 やまうち 18
西田 にしだ 18
飯田 いいだ 18
菊池 きくち 18
西川 にしかわ 18
小松 こまつ 18
北村 きたむら 18
安田 やすだ 18
五十嵐 いがらし 18
川口 かわぐち 17
平田 ひらた 17
関 せき 17
中田 なかた 17
久保田 くぼた 17
服部 はっとり 17
東 ひがし 17
岩田 いわた 17
土屋 つちや 17
川崎 かわさき 17
福島 ふくしま 17
本田 ほんだ 17
辻 つじ 16
樋口 ひぐち 16
秋山 あきやま 16
田口 たぐち 16
永井 ながい 16
山中 やまなか 16
中西 なかにし 16
吉村 よしむら 16
川上 かわかみ 16
石原 いしはら 16
大橋 おおはし 16
松岡 まつおか 16
馬場 ばば 16
浅野 あさの 15
荒木 あらき 15
大久保 おおくぼ 15
野田 のだ 15
小沢 おざわ 13
田辺 たなべ 15
川村 かわむら 15
星野 ほしの 15
黒田 くろだ 15
堀 ほり 15
尾崎 おざき 15
望月 もちづき 15
永田 ながた 15
熊谷 くまがい 15
内藤 ないとう 15
松村 まつむら 15
西山 にしやま 15
大谷 おおたに 14
平井 ひらい 14
大島 おおしま 14
岩本 いわもと 14
片山 かたやま 14
本間 ほんま 14
早川 はやかわ 14
横田 よこた 14
岡崎 おかざき 14
荒井 あらい 14
大石 おおいし 14
鎌田 かまた 14
成田 なりた 14
宮田 みやた 14
小田 おだ 14
石橋 いしばし 14
篠原 しのはら 13
須藤 すどう 13
河合 かわい 13
大森 おおもり 13
高井 たかい 13
宮下 みやした 13
今村 いまむら 13
萩原 はぎわら 13
矢野 やの 13
桑原 くわばら 13
関口 せきぐち 13
小池 こいけ 13
中尾 なかお 13
上原 うえはら 13
武藤 むとう 12
杉浦 すぎうら 12
吉野 よしの 12
新田 にった 12
大川 おおかわ 12
松下 まつした 12
中井 なかい 12
森本 もりもと 12
野崎 のざき 12
西尾 にしお 12
浜田 はまだ 11
井口 いぐち 12
栗原 くりはら 12
北川 きたがわ 12
小西 こにし 12
広瀬 ひろせ 11
吉岡 よしおか 12
坂口 さかぐち 12
岡 おか 12
松浦 まつうら 12
沢田 さわだ 10
島崎 しまざき 8
徳永 とくなが 8
滝本 たきもと 6
"""

# Variant kanji (異体字) spellings: the same surname as its common form, written the way
# the family registers it.  Search folds them (髙 -> 高, 﨑 -> 崎, 齋 -> 斎, 邊 -> 辺 ...).
_VARIANT_SURNAMES = """
髙橋 たかはし 10
齋藤 さいとう 4
齊藤 さいとう 2
渡邊 わたなべ 4
渡邉 わたなべ 5
山﨑 やまざき 4
宮﨑 みやざき 2
髙木 たかぎ 3
濱田 はまだ 1
廣瀬 ひろせ 1
澤田 さわだ 2
櫻井 さくらい 2
岩﨑 いわさき 2
小澤 おざわ 2
島﨑 しまざき 1
德永 とくなが 1
瀧本 たきもと 1
"""

# Rarer surnames (five a line): they share what the common ones leave, in equal parts.
_RARE_SURNAMES = """
相原 あいはら  青山 あおやま  赤木 あかぎ  赤松 あかまつ  秋元 あきもと
浅井 あさい  朝倉 あさくら  足立 あだち  天野 あまの  荒川 あらかわ
有田 ありた  安西 あんざい  飯島 いいじま  飯塚 いいづか  井川 いがわ
池上 いけがみ  石坂 いしざか  石塚 いしづか  泉 いずみ  磯部 いそべ
市村 いちむら  一ノ瀬 いちのせ  伊東 いとう  稲垣 いながき  稲葉 いなば
犬飼 いぬかい  今泉 いまいずみ  入江 いりえ  岩井 いわい  岩瀬 いわせ
上杉 うえすぎ  上村 うえむら  臼井 うすい  宇野 うの  梅田 うめだ
梅原 うめはら  江口 えぐち  江藤 えとう  榎本 えのもと  大内 おおうち
大城 おおしろ  大竹 おおたけ  大平 おおひら  大沼 おおぬま  大山 おおやま
岡野 おかの  岡村 おかむら  小倉 おぐら  奥田 おくだ  奥村 おくむら
小栗 おぐり  尾上 おのえ  小畑 おばた  折原 おりはら  甲斐 かい
香川 かがわ  笠原 かさはら  梶原 かじわら  片岡 かたおか  加納 かのう
鎌倉 かまくら  神谷 かみや  亀井 かめい  川島 かわしま  川田 かわだ
川野 かわの  川原 かわはら  神田 かんだ  菅野 かんの  岸 きし
岸本 きしもと  北野 きたの  北原 きたはら  木内 きうち  城戸 きど
木原 きはら  清田 きよた  桐山 きりやま  日下部 くさかべ  楠 くすのき
国枝 くにえだ  久野 くの  倉田 くらた  栗田 くりた  黒川 くろかわ
黒木 くろき  小泉 こいずみ  河本 かわもと  小坂 こさか  児玉 こだま
小寺 こでら  小森 こもり  権藤 ごんどう  斎木 さいき  坂井 さかい
坂田 さかた  相良 さがら  桜田 さくらだ  笹川 ささがわ  笹本 ささもと
佐久間 さくま  佐竹 さたけ  里見 さとみ  真田 さなだ  沢井 さわい
沢村 さわむら  塩田 しおた  塩谷 しおや  重田 しげた  篠田 しのだ
芝 しば  柴崎 しばさき  島村 しまむら  下田 しもだ  下村 しもむら
白井 しらい  白石 しらいし  新村 しんむら  末永 すえなが  菅 すが
菅沼 すがぬま  杉田 すぎた  鈴村 すずむら  須田 すだ  関根 せきね
瀬戸 せと  千田 せんだ  相馬 そうま  曽根 そね  平 たいら
高山 たかやま  高村 たかむら  滝沢 たきざわ  竹下 たけした  竹田 たけだ
竹中 たけなか  武井 たけい  田島 たじま  立花 たちばな  田代 たしろ
谷 たに  谷川 たにがわ  玉井 たまい  丹羽 にわ  塚本 つかもと
辻本 つじもと  土田 つちだ  筒井 つつい  堤 つつみ  角田 つのだ
坪井 つぼい  手塚 てづか  寺田 てらだ  寺島 てらしま  土井 どい
戸田 とだ  富田 とみた  豊田 とよだ  鳥居 とりい  長尾 ながお
中岡 なかおか  中沢 なかざわ  中谷 なかたに  中林 なかばやし  永野 ながの
中原 なかはら  長野 ながの  成瀬 なるせ  南部 なんぶ  西岡 にしおか
西野 にしの  西原 にしはら  西本 にしもと  新美 にいみ  沼田 ぬまた
根本 ねもと  野上 のがみ  野中 のなか  橋口 はしぐち  蓮見 はすみ
畑中 はたなか  畠山 はたけやま  八田 はった  花田 はなだ  羽田 はねだ
浜口 はまぐち  林田 はやしだ  原口 はらぐち  春山 はるやま  坂東 ばんどう
日高 ひだか  平川 ひらかわ  平松 ひらまつ  広田 ひろた  深沢 ふかざわ
福井 ふくい  福本 ふくもと  藤川 ふじかわ  藤崎 ふじさき  藤沢 ふじさわ
藤村 ふじむら  船橋 ふなばし  古田 ふるた  古屋 ふるや  別府 べっぷ
細川 ほそかわ  細田 ほそだ  堀内 ほりうち  堀江 ほりえ  本多 ほんだ
前川 まえかわ  牧 まき  牧野 まきの  正木 まさき  真島 まじま
町田 まちだ  松川 まつかわ  松永 まつなが  松原 まつばら  松山 まつやま
間宮 まみや  丸田 まるた  三上 みかみ  三木 みき  水谷 みずたに
溝口 みぞぐち  三井 みつい  緑川 みどりかわ  南 みなみ  峰 みね
三宅 みやけ  宮川 みやがわ  宮原 みやはら  三好 みよし  向井 むかい
村井 むらい  村山 むらやま  室田 むろた  目黒 めぐろ  本橋 もとはし
森川 もりかわ  森下 もりした  森山 もりやま  八木 やぎ  矢島 やじま
安井 やすい  柳田 やなぎだ  柳 やなぎ  矢吹 やぶき  山岸 やまぎし
山根 やまね  湯川 ゆかわ  横井 よこい  吉井 よしい  吉原 よしはら
米田 よねだ  米山 よねやま  若林 わかばやし  若松 わかまつ  鷲尾 わしお
和泉 いずみ  綾部 あやべ  神崎 かんざき  九条 くじょう  東条 とうじょう
西園寺 さいおんじ  小野寺 おのでら  宇田川 うだがわ  大和田 おおわだ  長沢 ながさわ
比嘉 ひが  金城 きんじょう  新垣 あらがき  宮城 みやぎ  知念 ちねん
"""

# Given names of people in their twenties to fifties, with readings; weight 2 = common.
_MALE_GIVEN = """
翔太 しょうた 2
大輝 だいき 2
拓也 たくや 2
健太 けんた 2
翔 しょう 2
大樹 だいき 1
直樹 なおき 2
亮 りょう 1
達也 たつや 2
和也 かずや 2
雄太 ゆうた 1
優太 ゆうた 1
太一 たいち 1
悠斗 ゆうと 1
陸 りく 1
蓮 れん 1
颯太 そうた 1
拓海 たくみ 1
涼介 りょうすけ 1
大介 だいすけ 2
健一 けんいち 1
誠 まこと 2
隆 たかし 1
浩二 こうじ 1
剛 つよし 1
慎也 しんや 1
俊介 しゅんすけ 1
祐介 ゆうすけ 1
圭介 けいすけ 1
洋平 ようへい 1
康平 こうへい 1
航 わたる 1
翼 つばさ 1
駿 しゅん 1
海斗 かいと 1
大地 だいち 1
智也 ともや 1
裕太 ゆうた 1
一輝 かずき 1
和樹 かずき 1
光 ひかる 1
陽介 ようすけ 1
亮太 りょうた 2
悠真 ゆうま 1
瑛太 えいた 1
晃 あきら 1
哲也 てつや 1
隼人 はやと 1
匠 たくみ 1
賢治 けんじ 1
正樹 まさき 1
宏 ひろし 1
聡 さとし 1
淳 じゅん 1
純一 じゅんいち 1
雅人 まさと 1
勇気 ゆうき 1
直人 なおと 1
健 けん 1
修平 しゅうへい 1
大和 やまと 1
湊 みなと 1
樹 いつき 1
悠人 ゆうと 1
陽太 ようた 1
奏太 そうた 1
信之 のぶゆき 1
英樹 ひでき 1
武 たけし 1
博之 ひろゆき 1
秀明 ひであき 1
浩之 ひろゆき 1
裕介 ゆうすけ 1
恭平 きょうへい 1
啓太 けいた 1
翔平 しょうへい 1
龍之介 りゅうのすけ 1
"""

_FEMALE_GIVEN = """
美咲 みさき 2
陽菜 ひな 1
葵 あおい 1
結衣 ゆい 2
さくら さくら 1
愛 あい 1
彩 あや 1
七海 ななみ 1
美優 みゆ 1
花 はな 1
舞 まい 1
麻衣 まい 1
沙織 さおり 1
由美 ゆみ 1
恵 めぐみ 1
真由美 まゆみ 1
明日香 あすか 1
千尋 ちひろ 1
優花 ゆうか 1
奈々 なな 1
彩花 あやか 1
遥 はるか 1
杏 あん 1
莉子 りこ 1
美穂 みほ 1
香織 かおり 1
裕子 ゆうこ 1
智子 ともこ 1
直美 なおみ 1
愛子 あいこ 1
理恵 りえ 1
亜美 あみ 1
友美 ともみ 1
梨花 りか 1
詩織 しおり 1
瞳 ひとみ 1
綾乃 あやの 1
茜 あかね 1
楓 かえで 1
桃子 ももこ 1
菜々子 ななこ 1
夏美 なつみ 1
美月 みづき 1
萌 もえ 1
紗希 さき 1
真央 まお 1
里奈 りな 1
芽衣 めい 1
結菜 ゆいな 1
琴音 ことね 1
凛 りん 1
澪 みお 1
栞 しおり 1
未来 みらい 1
ひかり ひかり 1
美紀 みき 1
加奈子 かなこ 1
恵美 えみ 1
早紀 さき 1
千夏 ちなつ 1
美里 みさと 1
由佳 ゆか 2
麻美 あさみ 1
沙耶 さや 1
真奈美 まなみ 1
玲奈 れいな 1
優奈 ゆうな 1
彩香 あやか 1
奈緒 なお 1
美帆 みほ 1
晴香 はるか 1
愛美 まなみ 1
佳奈 かな 1
紀子 のりこ 1
京子 きょうこ 1
"""

# fmt: off
# Non-Japanese names by origin: (family names, given names), Latin script only.
FOREIGN_NAMES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
         "Taylor", "Anderson", "Thomas", "Moore", "O'Connor", "MacDonald"),
        ("James", "John", "Michael", "David", "Daniel", "Emma", "Olivia", "Emily", "Sarah",
         "Jessica", "Matthew", "Andrew", "Laura", "Rachel"),
    ),
    (
        ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Yoon"),
        ("Minjun", "Jiwoo", "Seoyeon", "Jisoo", "Hyunwoo", "Soyeon", "Dohyun"),
    ),
    (
        ("Chen", "Wang", "Zhang", "Liu", "Huang", "Lin", "Zhao"),
        ("Wei", "Mei", "Xin", "Hao", "Jing", "Yifan", "Lei"),
    ),
    (
        ("Singh", "Patel", "Kumar", "Sharma", "Gupta"),
        ("Arjun", "Priya", "Rahul", "Ananya", "Vikram", "Neha"),
    ),
    (
        ("Müller", "Schmidt", "Fischer", "Weber", "Becker"),
        ("Lukas", "Anna", "Felix", "Julia", "Jonas", "Lena"),
    ),
    (
        ("Dubois", "Bernard", "Moreau", "Laurent", "Lefèvre"),
        ("Hugo", "Louis", "Camille", "Chloé", "Léa", "Antoine"),
    ),
    (
        ("Rossi", "Russo", "Bianchi", "Romano"),
        ("Marco", "Luca", "Giulia", "Francesca", "Paolo"),
    ),
    (
        ("Silva", "Santos", "Costa", "Oliveira", "Hernández", "García"),
        ("Pedro", "João", "Ana", "Sofía", "Mateo", "Lucía"),
    ),
    (
        ("Nguyen", "Tran", "Pham", "Le"),
        ("Minh", "Linh", "Anh", "Duc", "Thao"),
    ),
    (
        ("Andersson", "Johansson", "Nielsen", "Hansen"),
        ("Lars", "Ingrid", "Sven", "Astrid", "Erik"),
    ),
)
# fmt: on

FOREIGN_SHARE = 0.05


def _parse(text: str) -> list[NamePart]:
    parts: list[NamePart] = []
    for line in text.strip().splitlines():
        text, reading, weight = line.split()
        parts.append(NamePart(text, reading, float(weight)))
    return parts


def _parse_pairs(text: str) -> list[NamePart]:
    words = text.split()
    return [NamePart(words[i], words[i + 1], 0.0) for i in range(0, len(words), 2)]


def _surnames() -> list[NamePart]:
    common = _parse(_COMMON_SURNAMES) + _parse(_VARIANT_SURNAMES)
    rare = _parse_pairs(_RARE_SURNAMES)
    japanese_share = (1 - FOREIGN_SHARE) * POPULATION
    rest = japanese_share - sum(p.weight for p in common)
    share = rest / len(rare)
    return common + [NamePart(p.text, p.reading, share) for p in rare]


SURNAMES: tuple[NamePart, ...] = tuple(_surnames())
MALE_GIVEN: tuple[NamePart, ...] = tuple(_parse(_MALE_GIVEN))
FEMALE_GIVEN: tuple[NamePart, ...] = tuple(_parse(_FEMALE_GIVEN))


def surname_share(text: str) -> float:
    """The expected share of a surname among all demo people (e.g. 佐藤 about 0.015)."""
    total = sum(p.weight for p in SURNAMES) / (1 - FOREIGN_SHARE)
    return sum(p.weight for p in SURNAMES if p.text == text) / total
