"""Short Japanese texts for the demo network: events, places, memory cues, notes, requests.

Templates use ``{topic}``, ``{area}``, ``{skill}``, ``{count}`` and ``{name}``
placeholders, filled by the generator.  Notes (the only searched text) never contain a
name, so that searching a name finds exactly the people with that name.
"""

from __future__ import annotations

from kinmyaku.domain.model import EventKind, ExchangeKind, InteractionKind, PurposeCategory

# fmt: off

TOPICS = (
    "DX", "生成AI", "スタートアップ", "マーケティング", "採用", "キャリア", "副業", "SaaS",
    "地方創生", "サステナビリティ", "データ分析", "英語", "リーダーシップ",
    "プロダクトマネジメント", "資金調達", "ブランディング", "営業", "組織づくり", "不動産投資",
    "ヘルスケア", "EdTech", "FinTech", "クラウド", "セキュリティ",
)

AREAS = (
    "渋谷", "六本木", "丸の内", "大手町", "品川", "新宿", "五反田", "恵比寿", "日本橋", "虎ノ門",
    "神田", "赤坂", "横浜", "梅田", "名古屋", "博多", "札幌", "京都",
)

VENUES = (
    "のコワーキングスペース", "の貸し会議室", "のホテル宴会場", "のカフェ", "のイベントホール",
    "のシェアオフィス", "のレストラン", "の大学キャンパス",
)

# (name template, kind): the name of an event of that kind.
EVENT_NAMES: tuple[tuple[str, EventKind], ...] = (
    ("{area}異業種交流会", EventKind.MEETUP),
    ("{topic}異業種交流会", EventKind.MEETUP),
    ("若手ビジネスパーソン交流会 in {area}", EventKind.MEETUP),
    ("{area}朝活交流会", EventKind.MEETUP),
    ("{topic}勉強会", EventKind.STUDY),
    ("{topic}もくもく会", EventKind.STUDY),
    ("{topic}読書会", EventKind.STUDY),
    ("{topic}セミナー", EventKind.SEMINAR),
    ("はじめての{topic}講座", EventKind.SEMINAR),
    ("{topic}カンファレンス", EventKind.CONFERENCE),
    ("{topic}サミット", EventKind.CONFERENCE),
    ("新年交流パーティー", EventKind.PARTY),
    ("忘年会（{area}）", EventKind.PARTY),
    ("{topic}懇親会", EventKind.PARTY),
    ("{topic}ハッカソン", EventKind.OTHER),
    ("{topic}ピッチイベント", EventKind.OTHER),
    ("{topic}ワークショップ", EventKind.OTHER),
)

EVENT_GOALS = (
    "{count}人と名刺交換して、2人と次のランチの約束をする",
    "{topic}に詳しい人を{count}人見つける",
    "採用候補になりそうな人と{count}人話す",
    "投資家や事業会社の人と{count}人つながる",
    "同じ業界の人と情報交換し、{count}人にお礼メールを送る",
    "登壇者に質問して{count}人と話す",
    "自分のサービスを{count}人に紹介する",
)

PLACES_MET = (
    "オンライン（Zoom）", "取引先の会議室", "社内の打ち合わせ", "大学の同窓会", "友人の結婚式",
    "コワーキングスペース", "SNSのDM", "ランチ会", "ゴルフコンプ", "地元の集まり",
)

MEMORY_CUES = (
    "赤いメガネ", "声が大きくて明るい", "関西弁で話す", "同じ大学の出身", "猫を3匹飼っている",
    "マラソンが趣味", "名刺が縦書きだった", "背が高い", "京都出身", "ワインに詳しい",
    "サウナ好き", "子どもが生まれたばかり", "元バンドマン", "ゴルフ好き",
    "海外赴任から帰ってきたばかり", "転職を考えている", "登壇していた", "隣の席だった",
    "名刺の裏に似顔絵", "犬の写真を見せてくれた", "キャンプが趣味", "笑顔が印象的",
    "早口で情熱的", "元アナウンサー", "フルマラソン完走", "北海道出身", "趣味は将棋",
    "料理が得意", "英語が流暢", "同い年", "地元が同じ", "コーヒーに詳しい", "甘党",
    "ラグビー経験者", "副業でライターをしている", "スニーカー好き", "着物で来ていた",
)

NOTES = (
    "{topic}に関心がある。次回ランチの約束あり。",
    "{topic}の事業を立ち上げ中。",
    "{skill}の相談に乗ってもらえそう。",
    "来年{topic}関連で独立予定。",
    "{topic}のコミュニティを運営している。",
    "年に一度は近況を共有したい。",
    "{skill}が強み。困ったら相談する。",
    "社内で{topic}の推進役。",
)

INTERACTION_SUMMARIES: dict[InteractionKind, tuple[str, ...]] = {
    InteractionKind.MEETING: (
        "近況報告", "新規事業の壁打ち", "採用の相談", "提案内容のすり合わせ",
        "{topic}について意見交換", "協業の打ち合わせ", "キャリア相談",
    ),
    InteractionKind.MEAL: (
        "ランチ: 転職の話", "飲み: 業界の近況", "ランチ: {topic}の情報交換",
        "ディナー: 事業の相談", "朝食会", "カフェで雑談",
    ),
    InteractionKind.CALL: (
        "電話で日程調整", "オンラインで30分雑談", "{topic}についてオンライン相談",
        "紹介の件で電話",
    ),
    InteractionKind.MESSAGE: (
        "お礼のメッセージ", "記事のシェア", "誕生日のお祝い", "イベントの案内",
        "昇進のお祝い", "近況を聞いた", "{topic}の資料を共有",
    ),
    InteractionKind.EMAIL: (
        "お礼メール", "資料送付", "紹介メール", "打ち合わせのお礼", "年賀状メール",
    ),
    InteractionKind.EVENT: (
        "勉強会で再会", "交流会で再会", "{topic}セミナーで会った", "カンファレンスで立ち話",
    ),
}

THANK_YOU = ("お礼のメッセージ", "お礼メール", "昨日のお礼とご挨拶")

EXCHANGE_NOTES: dict[ExchangeKind, tuple[str, ...]] = {
    ExchangeKind.INTRODUCTION: ("知人のエンジニアを紹介", "取引先の担当者を紹介", "投資家を紹介"),
    ExchangeKind.ADVICE: (
        "{topic}についてアドバイス", "資金調達についてアドバイス", "転職の相談に乗った",
        "提案資料へのフィードバック",
    ),
    ExchangeKind.REFERRAL: ("採用候補者を推薦", "登壇者として推薦", "専門家として推薦"),
    ExchangeKind.LEAD: ("見込み顧客を紹介", "案件情報を共有", "入札情報を共有"),
    ExchangeKind.HELP: ("イベント運営を手伝った", "引っ越しを手伝った", "アンケートに協力"),
    ExchangeKind.INFORMATION: ("業界レポートを共有", "{topic}の最新情報を共有", "求人情報を共有"),
    ExchangeKind.GIFT: ("出張土産", "出産祝い", "お中元", "誕生日プレゼント"),
    ExchangeKind.OTHER: ("SNSで記事を拡散", "書籍を貸した", "ランチをご馳走した"),
}

REQUESTS_MINE = (
    "{topic}に詳しい人を紹介してほしい",
    "プロダクトへのフィードバックをお願いしたい",
    "{topic}勉強会での登壇をお願いしたい",
    "推薦状を書いてほしい",
    "提案資料のレビューをお願いしたい",
    "採用イベントへの参加をお願いしたい",
    "{skill}について相談に乗ってほしい",
)
REQUESTS_THEIRS = (
    "エンジニアを紹介してほしいと頼まれた",
    "{topic}のセミナーで話してほしいと頼まれた",
    "自社サービスの紹介先を探している",
    "アンケートへの協力を頼まれた",
    "転職の相談に乗ってほしいと頼まれた",
    "{skill}に詳しい人を探している",
)
INTRODUCTION_REQUEST = "{name}さんを紹介してほしい"
OUTCOMES_DONE = (
    "紹介完了、面談が決まった", "対応済み、お礼の連絡あり", "資料を送付済み", "無事に実施できた",
)
OUTCOMES_DECLINED = ("今回は見送り", "日程が合わず辞退", "条件が合わなかった")

INTRODUCTION_WHY = (
    "{skill}の相談相手としてぴったり", "{topic}の事業で協業できそう", "採用ニーズと経験が合う",
    "同じ{topic}コミュニティで話が合いそう",
)
INTRODUCTION_OUTCOMES = ("面談が実現した", "協業の検討が始まった", "取引が始まった", "")
# Introductions I make move proposed -> asked_a -> asked_b -> agreed -> introduced (or
# declined); most demo ones were made, some are still under way.
INTRODUCTION_STATES = (
    ("introduced", 6), ("agreed", 1), ("asked_b", 1), ("asked_a", 1), ("proposed", 1),
    ("declined", 1),
)

# Skills and interests: what people offer and what they need (offers/needs keywords).
SKILLS = (
    "マーケティング", "採用", "資金調達", "Python", "英語", "法務", "税務", "デザイン",
    "営業", "広報", "データ分析", "機械学習", "生成AI", "プロダクトマネジメント", "事業開発",
    "不動産", "会計", "中国語", "海外展開", "補助金", "人事制度", "組織開発", "SEO",
    "動画制作", "写真撮影", "イベント企画", "コーチング", "ファシリテーション", "財務", "M&A",
    "知財", "クラウド", "セキュリティ", "物流", "製造", "医療", "教育", "地方創生",
    "投資家紹介", "顧客紹介", "業務提携", "登壇機会", "取材", "記事執筆", "キャリア相談",
)

TAGS = (
    "異業種交流会", "大学同期", "前職", "取引先", "投資家", "エンジニア", "起業家", "メンター候補",
    "採用候補", "ゴルフ", "勉強会仲間", "地元", "要フォロー", "経営者", "デザイナー", "同業",
)
NOT_MET_TAG = "会いたい"

PURPOSES: dict[PurposeCategory, tuple[str, ...]] = {
    PurposeCategory.LEARN: ("{topic}の事業活用を学ぶ", "{skill}を教わる"),
    PurposeCategory.PARTNER: ("共同で{topic}セミナーを開催する", "{topic}の協業を進める"),
    PurposeCategory.CLIENT: ("来期に導入を提案する", "{topic}の案件化"),
    PurposeCategory.MENTOR: ("キャリアの相談相手", "起業の先輩として相談する"),
    PurposeCategory.PEER: ("同世代の情報交換", "{topic}の仲間"),
    PurposeCategory.FRIEND: ("気軽に飲みに行ける仲", "家族ぐるみの付き合い"),
    PurposeCategory.HIRE: ("エンジニア採用の候補", "将来一緒に働きたい"),
    PurposeCategory.OTHER: ("地域の活動でお世話になる",),
}
PURPOSE_OFFERS = (
    "{skill}の知見を提供する", "顧客を紹介できる", "エンジニアを紹介できる",
    "{topic}の情報を共有する", "登壇の機会をつくる",
)
LINK_NOTES = ("前職の同僚", "大学の同期", "同じコミュニティ", "取引先", "")
# fmt: on
