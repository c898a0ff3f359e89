"""Fictional companies and organisations for the demo network, in every industry.

Each has a name in its legal form (株式会社 before or after, 法人, 事務所 ...), the
reading of its distinctive part only (the legal form is not part of the sort reading:
株式会社ネクストリンク reads ねくすとりんく), an industry, and a domain slug used for
e-mail addresses and web sites under the reserved ``.example`` top-level domain.
"""

from __future__ import annotations

from dataclasses import dataclass

from kinmyaku.domain.model import Industry


@dataclass(frozen=True)
class Company:
    """A demo organisation: name, reading of the distinctive part, industry, domain slug."""

    name: str
    reading: str
    industry: Industry
    slug: str

    @property
    def domain(self) -> str:
        """The e-mail domain of its staff."""
        return f"{self.slug}.example"


# industry: lines of "name reading slug".
_COMPANIES: dict[Industry, str] = {
    Industry.IT: """
株式会社ネクストリンク ねくすとりんく nextlink
クラウドブリッジ株式会社 くらうどぶりっじ cloudbridge
株式会社青葉システムズ あおばしすてむず aoba-systems
東都ソフトウェア株式会社 とうとそふとうぇあ toto-soft
株式会社データフォレスト でーたふぉれすと dataforest
株式会社ミライコード みらいこーど miraicode
さくら通信株式会社 さくらつうしん sakura-tsushin
株式会社アークテック あーくてっく arctech
株式会社ブルーオーシャン・ラボ ぶるーおーしゃんらぼ blueocean-lab
日本情報ネットワーク株式会社 にほんじょうほうねっとわーく jin-net
""",
    Industry.FINANCE: """
株式会社さくら野銀行 さくらのぎんこう sakurano-bank
株式会社ひかり第一銀行 ひかりだいいちぎんこう hikari-bank
大和橋証券株式会社 やまとばししょうけん yamatobashi-sec
株式会社青嵐キャピタル せいらんきゃぴたる seiran-capital
ミドリ生命保険株式会社 みどりせいめいほけん midori-life
株式会社フロンティア・アセット ふろんてぃああせっと frontier-asset
東和リース株式会社 とうわりーす towa-lease
株式会社スマートペイ すまーとぺい smartpay
葵損害保険株式会社 あおいそんがいほけん aoi-sonpo
みらい信用金庫 みらいしんようきんこ mirai-shinkin
""",
    Industry.CONSULTING: """
株式会社アクシスコンサルティング あくしすこんさるてぃんぐ axis-consulting
ストラテジー・パートナーズ株式会社 すとらてじーぱーとなーず strategy-partners
株式会社みどり経営研究所 みどりけいえいけんきゅうじょ midori-keiei
株式会社リンクアンドグロース りんくあんどぐろーす link-and-growth
株式会社トライアングル・アドバイザリー とらいあんぐるあどばいざりー triangle-advisory
株式会社組織開発ラボ そしきかいはつらぼ od-lab
日本ビジネス総研株式会社 にほんびじねすそうけん nbs-soken
株式会社ブライトパス ぶらいとぱす brightpath
株式会社ピボット・ストラテジー ぴぼっとすとらてじー pivot-strategy
合同会社コンパス こんぱす compass-llc
""",
    Industry.MANUFACTURING: """
東洋精機株式会社 とうようせいき toyo-seiki
株式会社日進化学 にっしんかがく nisshin-kagaku
大和電機工業株式会社 やまとでんきこうぎょう yamato-denki
株式会社北斗製作所 ほくとせいさくしょ hokuto-ss
富士見テクノ株式会社 ふじみてくの fujimi-techno
株式会社三葉精工 みつばせいこう mitsuba-seiko
あおい化成株式会社 あおいかせい aoi-kasei
株式会社シンワ光学 しんわこうがく shinwa-optics
中部マテリアル株式会社 ちゅうぶまてりある chubu-material
株式会社ユニオン自動車部品 ゆにおんじどうしゃぶひん union-parts
""",
    Industry.TRADING: """
丸栄商事株式会社 まるえいしょうじ maruei
東邦物産株式会社 とうほうぶっさん toho-bussan
株式会社グローバルトレード・ジャパン ぐろーばるとれーどじゃぱん gtj
三星通商株式会社 みつぼしつうしょう mitsuboshi-tsusho
株式会社大洋インターナショナル たいよういんたーなしょなる taiyo-intl
双和商会株式会社 そうわしょうかい sowa-shokai
株式会社ヤマト貿易 やまとぼうえき yamato-boeki
日亜交易株式会社 にちあこうえき nichia-koeki
株式会社オリエント・リソース おりえんとりそーす orient-resource
光洋物産株式会社 こうようぶっさん koyo-bussan
""",
    Industry.RETAIL: """
株式会社まちかどマート まちかどまーと machikado-mart
フレッシュ館株式会社 ふれっしゅかん fresh-kan
株式会社ライフスタイル・ストア らいふすたいるすとあ lifestyle-store
株式会社ひまわりドラッグ ひまわりどらっぐ himawari-drug
東京ホームセンター株式会社 とうきょうほーむせんたー tokyo-hc
株式会社ネオマーケット ねおまーけっと neomarket
株式会社アパレル・ワン あぱれるわん apparel-one
さくら百貨店株式会社 さくらひゃっかてん sakura-dept
株式会社eコマース・ジャパン いーこまーすじゃぱん ecommerce-japan
株式会社ブックス雅 ぶっくすみやび books-miyabi
""",
    Industry.REAL_ESTATE: """
株式会社東都不動産 とうとふどうさん toto-fudosan
みなとみらいエステート株式会社 みなとみらいえすてーと mm-estate
株式会社グランレジデンス ぐらんれじでんす grand-residence
株式会社さくら住宅販売 さくらじゅうたくはんばい sakura-jutaku
株式会社アーバン・スペース あーばんすぺーす urban-space
株式会社あさひ不動産 あさひふどうさん asahi-fudosan
株式会社リノベーション・ラボ りのべーしょんらぼ renovation-lab
三和地所株式会社 さんわじしょ sanwa-jisho
株式会社シェアオフィス東京 しぇあおふぃすとうきょう shareoffice-tokyo
株式会社ホームリンク ほーむりんく homelink
""",
    Industry.CONSTRUCTION: """
大栄建工株式会社 だいえいけんこう daiei-kenko
株式会社北陸土木 ほくりくどぼく hokuriku-doboku
東洋建設工業株式会社 とうようけんせつこうぎょう toyo-kensetsu
株式会社みらい設計 みらいせっけい mirai-sekkei
株式会社グリーンビルド ぐりーんびるど greenbuild
関東プラント株式会社 かんとうぷらんと kanto-plant
株式会社匠工務店 たくみこうむてん takumi-komuten
株式会社スカイ・アーキテクツ すかいあーきてくつ sky-architects
日本インフラ技研株式会社 にほんいんふらぎけん nihon-infra
株式会社和光建設 わこうけんせつ wako-kensetsu
""",
    Industry.MEDIA: """
株式会社東京ジャーナル とうきょうじゃーなる tokyo-journal
あけぼの出版株式会社 あけぼのしゅっぱん akebono-pub
株式会社ウィークリー・ビジネス うぃーくりーびじねす weekly-business
株式会社みらい新聞社 みらいしんぶんしゃ mirai-shimbun
株式会社ブックライン ぶっくらいん bookline
日本テックメディア株式会社 にほんてっくめでぃあ techmedia
株式会社ポッドキャスト・スタジオ ぽっどきゃすとすたじお podcast-studio
株式会社ことば舎 ことばしゃ kotobasha
株式会社ニュースピックアップ にゅーすぴっくあっぷ newspickup
FMさくら放送株式会社 えふえむさくらほうそう fm-sakura
""",
    Industry.ADVERTISING: """
株式会社アドバンス・エージェンシー あどばんすえーじぇんしー advance-agency
株式会社コミュニケーション・デザイン こみゅにけーしょんでざいん comm-design
株式会社プラスPR ぷらすぴーあーる plus-pr
東京広告社株式会社 とうきょうこうこくしゃ tokyo-kokoku
株式会社バズワークス ばずわーくす buzzworks
株式会社ブランディング・ハウス ぶらんでぃんぐはうす branding-house
株式会社デジタルアドテック でじたるあどてっく digital-adtech
株式会社クリエイティブ・ファーム くりえいてぃぶふぁーむ creative-firm
株式会社ソーシャルリーチ そーしゃるりーち socialreach
株式会社まなざし企画 まなざしきかく manazashi
""",
    Industry.HEALTHCARE: """
医療法人社団さくら会 さくらかい sakurakai
みどり総合病院 みどりそうごうびょういん midori-hospital
株式会社メディカル・ネクスト めでぃかるねくすと medical-next
株式会社ケアパートナーズ けあぱーとなーず care-partners
医療法人青空クリニック あおぞらくりにっく aozora-clinic
株式会社ヘルスデータ・ラボ へるすでーたらぼ healthdata-lab
ひかり調剤薬局株式会社 ひかりちょうざいやっきょく hikari-pharmacy
社会福祉法人やすらぎの里 やすらぎのさと yasuragi
株式会社バイオフロンティア ばいおふろんてぃあ biofrontier
東都医科大学附属病院 とうといかだいがくふぞくびょういん toto-med-hp
""",
    Industry.EDUCATION: """
東都大学 とうとだいがく toto-u
学校法人みなと学園 みなとがくえん minato-gakuen
株式会社まなびテック まなびてっく manabitech
株式会社キャリアアカデミー きゃりああかでみー career-academy
関東工業大学 かんとうこうぎょうだいがく kanto-tech
株式会社グローバル英語スクール ぐろーばるえいごすくーる global-english
株式会社プログラミング道場 ぷろぐらみんぐどうじょう programming-dojo
さくら国際大学 さくらこくさいだいがく sakura-intl-u
株式会社ジュク・プラス じゅくぷらす juku-plus
東京ビジネススクール とうきょうびじねすすくーる tokyo-bs
""",
    Industry.GOVERNMENT: """
経済産業省 けいざいさんぎょうしょう meti
総務省 そうむしょう soumu
東京都庁 とうきょうとちょう tocho
横浜市役所 よこはましやくしょ yokohama-city
渋谷区役所 しぶやくやくしょ shibuya-city
大阪府庁 おおさかふちょう osaka-pref
デジタル庁 でじたるちょう digital-agency
中小企業基盤整備機構 ちゅうしょうきぎょうきばんせいびきこう smrj
日本貿易振興機構 にほんぼうえきしんこうきこう jetro
福岡市役所 ふくおかしやくしょ fukuoka-city
""",
    Industry.LEGAL: """
青山総合法律事務所 あおやまそうごうほうりつじむしょ aoyama-law
丸の内パートナーズ法律事務所 まるのうちぱーとなーずほうりつじむしょ marunouchi-law
税理士法人みらい会計 みらいかいけい mirai-kaikei
さくら監査法人 さくらかんさほうじん sakura-audit
虎ノ門特許事務所 とらのもんとっきょじむしょ toranomon-ip
司法書士法人あおば あおば aoba-shihou
社会保険労務士法人ワークス わーくす works-sr
東京リーガル法律事務所 とうきょうりーがるほうりつじむしょ tokyo-legal
税理士法人スタートアップ会計 すたーとあっぷかいけい startup-kaikei
行政書士事務所ひかり ひかり hikari-gyosei
""",
    Industry.ENERGY: """
東日本エナジー株式会社 ひがしにほんえなじー east-energy
株式会社グリーンパワー ぐりーんぱわー greenpower
株式会社ひなたソーラー ひなたそーらー hinata-solar
日本水素開発株式会社 にほんすいそかいはつ nihon-suiso
株式会社みらい電力 みらいでんりょく mirai-denryoku
株式会社ウィンドファーム東北 うぃんどふぁーむとうほく windfarm-tohoku
大洋ガス株式会社 たいようがす taiyo-gas
株式会社エコエネルギー研究所 えこえねるぎーけんきゅうじょ eco-energy
株式会社バッテリーテック ばってりーてっく batterytech
関西石油株式会社 かんさいせきゆ kansai-sekiyu
""",
    Industry.LOGISTICS: """
株式会社はやぶさ運輸 はやぶさうんゆ hayabusa-unyu
東洋ロジスティクス株式会社 とうようろじすてぃくす toyo-logi
株式会社スマート物流 すまーとぶつりゅう smart-butsuryu
日本海運株式会社 にほんかいうん nihon-kaiun
株式会社ラストワンマイル らすとわんまいる lastonemile
株式会社みなと倉庫 みなとそうこ minato-soko
関東エクスプレス株式会社 かんとうえくすぷれす kanto-express
株式会社エアカーゴ・ジャパン えあかーごじゃぱん aircargo-japan
株式会社つばめ配送 つばめはいそう tsubame-haiso
株式会社ロジサポート・パートナーズ ろじさぽーとぱーとなーず logisupport
""",
    Industry.FOOD: """
株式会社みのり食品 みのりしょくひん minori-foods
東京ベーカリー株式会社 とうきょうべーかりー tokyo-bakery
株式会社さくら酒造 さくらしゅぞう sakura-shuzo
株式会社グリーンファーム ぐりーんふぁーむ greenfarm
大和製菓株式会社 やまとせいか yamato-seika
株式会社ティーハウス茶々 てぃーはうすちゃちゃ teahouse-chacha
株式会社フードテック・ラボ ふーどてっくらぼ foodtech-lab
株式会社海の幸 うみのさち uminosachi
日本ビバレッジ株式会社 にほんびばれっじ nihon-beverage
株式会社オーガニック・キッチン おーがにっくきっちん organic-kitchen
""",
    Industry.HOSPITALITY: """
株式会社ホテル・グランみなと ほてるぐらんみなと hotel-grand-minato
株式会社さくらツーリスト さくらつーりすと sakura-tourist
株式会社旅館あおい りょかんあおい ryokan-aoi
株式会社トラベルリンク とらべるりんく travellink
株式会社リゾート・ジャパン りぞーとじゃぱん resort-japan
株式会社ゲストハウス和 げすとはうすなごみ guesthouse-nagomi
株式会社みなとブライダル みなとぶらいだる minato-bridal
株式会社空旅 そらたび soratabi
株式会社レストラン・ルミエール れすとらんるみえーる lumiere
株式会社インバウンド・ジャパン いんばうんどじゃぱん inbound-japan
""",
    Industry.ENTERTAINMENT: """
株式会社スターライト・エンタテインメント すたーらいとえんたていんめんと starlight-ent
株式会社ゲームクラフト げーむくらふと gamecraft
株式会社みらい音楽出版 みらいおんがくしゅっぱん mirai-music
株式会社アニメーション・スタジオ虹 あにめーしょんすたじおにじ studio-niji
株式会社ライブワークス らいぶわーくす liveworks
株式会社シネマ・ドリーム しねまどりーむ cinema-dream
株式会社eスポーツ・アリーナ いーすぽーつありーな esports-arena
株式会社ステージ・ワン すてーじわん stage-one
株式会社キャラクター・ワークス きゃらくたーわーくす character-works
株式会社スポーツ・ネクスト すぽーつねくすと sports-next
""",
    Industry.NONPROFIT: """
特定非営利活動法人まちづくりネット まちづくりねっと machizukuri-net
一般社団法人日本スタートアップ協会 にほんすたーとあっぷきょうかい jsa
公益財団法人みらい育英会 みらいいくえいかい mirai-ikuei
特定非営利活動法人こども食堂ネットワーク こどもしょくどうねっとわーく kodomo-shokudo
一般社団法人地方創生推進機構 ちほうそうせいすいしんきこう chiho-sosei
特定非営利活動法人グリーンアース ぐりーんあーす greenearth
一般財団法人国際交流センター こくさいこうりゅうせんたー kokusai-koryu
一般社団法人女性起業家ネットワーク じょせいきぎょうかねっとわーく women-entrepreneurs
東京商工会議所 とうきょうしょうこうかいぎしょ tokyo-cci
特定非営利活動法人シニア人材バンク しにあじんざいばんく senior-bank
""",
    Industry.STARTUP: """
株式会社Sprout すぷらうと sprout
株式会社ミライフ みらいふ miraife
株式会社AIソリューションズ えーあいそりゅーしょんず ai-solutions
株式会社HRハック えいちあーるはっく hrhack
株式会社FintechLab ふぃんてっくらぼ fintech-lab
株式会社ヘルステック・ワン へるすてっくわん healthtech-one
株式会社カーボンゼロ かーぼんぜろ carbonzero
株式会社ロボティクス・ベース ろぼてぃくすべーす robotics-base
株式会社スペースワークス すぺーすわーくす spaceworks
株式会社エデュテック・ラボ えでゅてっくらぼ edutech-lab
株式会社フードシェア ふーどしぇあ foodshare
""",
    Industry.OTHER: """
株式会社マルチサービス まるちさーびす multiservice
株式会社ワークスペース わーくすぺーす workspace
株式会社東京セキュリティ とうきょうせきゅりてぃ tokyo-security
株式会社クリーンライフ くりーんらいふ cleanlife
株式会社人材ブリッジ じんざいぶりっじ jinzai-bridge
株式会社フォトスタジオ光 ふぉとすたじおひかり photo-hikari
株式会社農業テクノ のうぎょうてくの nogyo-techno
株式会社ペットライフ ぺっとらいふ petlife
株式会社ことのは翻訳 ことのはほんやく kotonoha
株式会社デザインオフィス楓 でざいんおふぃすかえで design-kaede
""",
}


def _companies() -> list[Company]:
    found: list[Company] = []
    for industry, text in _COMPANIES.items():
        for line in text.strip().splitlines():
            name, reading, slug = line.split()
            found.append(Company(name, reading, industry, slug))
    return found


COMPANIES: tuple[Company, ...] = tuple(_companies())

# fmt: off
# Departments by industry; "" stands for a small organisation without departments.
GENERAL_DEPARTMENTS = (
    "営業部", "第一営業部", "法人営業部", "マーケティング部", "人事部", "経営企画部",
    "事業開発部", "広報部", "財務部", "総務部", "開発部", "技術本部", "カスタマーサクセス部",
    "情報システム部", "海外事業部", "購買部", "品質保証部", "デザイン部", "プロダクト部",
    "研究開発部", "",
)
DEPARTMENTS: dict[Industry, tuple[str, ...]] = {
    Industry.GOVERNMENT: ("産業政策課", "地域振興課", "情報政策課", "企画課", "総務課"),
    Industry.LEGAL: ("", "企業法務グループ", "税務部", "監査部"),
    Industry.HEALTHCARE: ("内科", "看護部", "事務部", "薬剤部", "地域連携室"),
    Industry.EDUCATION: ("経営学部", "工学部", "キャリアセンター", "事務局", "教務部"),
    Industry.STARTUP: ("", "", "ビジネス", "エンジニアリング", "コーポレート"),
    Industry.NONPROFIT: ("", "事務局", "プログラム部"),
}

# Job titles: (title, weight); a young professional meets mostly peers and managers.
GENERAL_TITLES = (
    ("", 6), ("主任", 5), ("リーダー", 4), ("マネージャー", 5), ("シニアマネージャー", 2),
    ("課長", 4), ("部長", 3), ("執行役員", 1), ("取締役", 1), ("代表取締役", 1),
    ("代表取締役社長", 1), ("エンジニア", 5), ("シニアエンジニア", 2), ("デザイナー", 2),
    ("コンサルタント", 2), ("アナリスト", 2), ("プロデューサー", 1), ("ディレクター", 2),
    ("営業担当", 4), ("係長", 2),
)
TITLES: dict[Industry, tuple[tuple[str, int], ...]] = {
    Industry.GOVERNMENT: (("主査", 3), ("係長", 3), ("課長補佐", 2), ("課長", 1), ("参事官", 1)),
    Industry.LEGAL: (
        ("弁護士", 4), ("パートナー弁護士", 1), ("税理士", 3), ("公認会計士", 2),
        ("弁理士", 1), ("司法書士", 1), ("社会保険労務士", 1),
    ),
    Industry.HEALTHCARE: (("医師", 3), ("看護師", 2), ("薬剤師", 2), ("事務長", 1), ("院長", 1)),
    Industry.EDUCATION: (("教授", 2), ("准教授", 2), ("講師", 3), ("職員", 2), ("学長", 1)),
    Industry.MEDIA: (
        ("記者", 3), ("編集者", 3), ("デスク", 1), ("編集長", 1), ("プロデューサー", 1),
    ),
    Industry.CONSULTING: (
        ("コンサルタント", 4), ("シニアコンサルタント", 2), ("マネージャー", 2),
        ("パートナー", 1), ("アナリスト", 2),
    ),
    Industry.STARTUP: (
        ("CEO", 1), ("CTO", 1), ("COO", 1), ("エンジニア", 4), ("事業開発", 3),
        ("プロダクトマネージャー", 2), ("代表取締役", 1),
    ),
}
# fmt: on
