"""Companies, departments and titles for generated data, and the ways a company is written.

A company is written differently by each source: its registered name on an Eight card
(株式会社サンプル, サンプル株式会社), shortened on a phone ((株)サンプル, ㈱サンプル, サンプル),
in English on LinkedIn (Sample Inc., Sample Co., Ltd.).  ``company_name`` picks one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Company:
    """One employer: its names, web domain, legal form, size weight and shared lines."""

    name: str
    """The name without its legal form (サンプル)."""
    reading: str
    english: str
    domain: str
    form: str
    """株式会社, 有限会社, 合同会社 or "" (a school, a hospital, a freelancer's trade name)."""
    form_first: bool
    """株式会社サンプル (True) or サンプル株式会社 (False)."""
    weight: int
    main_line: str = ""
    fax: str = ""
    postal_code: str = ""
    address: str = ""

    def registered(self) -> str:
        """The full registered name: 株式会社サンプル."""
        if not self.form:
            return self.name
        return self.form + self.name if self.form_first else self.name + self.form


COMPANIES: tuple[tuple[str, str, str, bool, int, str, str], ...] = (
    # name, reading, legal form, form first?, size weight, English name, web domain
    ("サンプル", "サンプル", "株式会社", True, 60,
     "Sample Inc.", "sample.co.jp"),
    ("東洋物産", "トウヨウブッサン", "株式会社", False, 45,
     "Toyo Bussan Co., Ltd.", "toyo-bussan.co.jp"),
    ("みらいソフト", "ミライソフト", "株式会社", True, 40,
     "Mirai Soft K.K.", "miraisoft.jp"),
    ("日本テクノロジー", "ニホンテクノロジー", "株式会社", False, 40,
     "Nihon Technology Corporation", "nihon-tech.co.jp"),
    ("さくら銀行", "サクラギンコウ", "株式会社", False, 35,
     "Sakura Bank, Ltd.", "sakura-bank.co.jp"),
    ("アオゾラ商事", "アオゾラショウジ", "株式会社", True, 30,
     "Aozora Shoji Co., Ltd.", "aozora-shoji.co.jp"),
    ("グローバルリンク", "グローバルリンク", "株式会社", True, 30,
     "GlobalLink Inc.", "globallink.jp"),
    ("丸の内コンサルティング", "マルノウチコンサルティング", "株式会社", True, 25,
     "Marunouchi Consulting", "marunouchi-consulting.jp"),
    ("ひかり電機", "ヒカリデンキ", "株式会社", False, 25,
     "Hikari Electric Co., Ltd.", "hikari-denki.co.jp"),
    ("北斗建設", "ホクトケンセツ", "株式会社", True, 20,
     "Hokuto Construction", "hokuto-kensetsu.co.jp"),
    ("テスト商事", "テストショウジ", "株式会社", True, 20,
     "Test Shoji Inc.", "test-shoji.co.jp"),
    ("ネクストステージ", "ネクストステージ", "合同会社", True, 15,
     "Next Stage LLC", "nextstage.jp"),
    ("はやぶさ物流", "ハヤブサブツリュウ", "株式会社", False, 15,
     "Hayabusa Logistics", "hayabusa-logi.co.jp"),
    ("緑川製薬", "ミドリカワセイヤク", "株式会社", False, 15,
     "Midorikawa Pharmaceutical", "midorikawa-pharma.co.jp"),
    ("クラウドワークス・ラボ", "クラウドワークスラボ", "株式会社", True, 12,
     "Cloudworks Lab Inc.", "cwlab.io"),
    ("山の手デザイン", "ヤマノテデザイン", "有限会社", True, 8,
     "Yamanote Design", "yamanote-design.jp"),
    ("つながり", "ツナガリ", "合同会社", True, 8,
     "Tsunagari LLC", "tsunagari.jp"),
    ("東都大学", "トウトダイガク", "", True, 15,
     "Toto University", "toto-u.ac.jp"),
    ("湾岸総合病院", "ワンガンソウゴウビョウイン", "", True, 8,
     "Wangan General Hospital", "wangan-hp.or.jp"),
    ("能登印刷", "ノトインサツ", "株式会社", False, 8,
     "Noto Printing Co., Ltd.", "noto-print.co.jp"),
    ("スタートアップ横丁", "スタートアップヨコチョウ", "株式会社", True, 8,
     "Startup Yokocho Inc.", "yokocho.dev"),
    ("ブルーオーシャン", "ブルーオーシャン", "株式会社", True, 10,
     "Blue Ocean Inc.", "blueocean.co.jp"),
    ("青葉会計事務所", "アオバカイケイジムショ", "", True, 5,
     "Aoba Accounting Office", "aoba-kaikei.jp"),
    ("富士フードサービス", "フジフードサービス", "株式会社", False, 10,
     "Fuji Food Service Co., Ltd.", "fuji-food.co.jp"),
)  # fmt: skip

DEPARTMENTS = (
    "営業部", "営業本部 第一営業部", "マーケティング部", "経営企画室", "人事部", "総務部",
    "開発部", "システム部", "経理部", "法務部", "事業開発部", "広報部", "",
)  # fmt: skip
TITLES = (
    "", "", "", "主任", "係長", "課長", "課長代理", "部長", "マネージャー", "シニアエンジニア",
    "エンジニア", "コンサルタント", "代表取締役", "取締役", "執行役員",
)  # fmt: skip
TITLES_EN = {
    "": "", "主任": "Senior Associate", "係長": "Supervisor", "課長": "Manager",
    "課長代理": "Assistant Manager", "部長": "General Manager", "マネージャー": "Manager",
    "シニアエンジニア": "Senior Software Engineer", "エンジニア": "Software Engineer",
    "コンサルタント": "Consultant", "代表取締役": "CEO", "取締役": "Director",
    "執行役員": "Executive Officer",
}  # fmt: skip
ROLE_BOXES = ("info", "sales", "contact", "support")
"""Shared role mailboxes printed on colleagues' cards (never one person's identity)."""

PREFECTURES = (
    ("100-0005", "東京都千代田区丸の内"), ("150-0002", "東京都渋谷区渋谷"),
    ("105-0011", "東京都港区芝公園"), ("160-0023", "東京都新宿区西新宿"),
    ("530-0001", "大阪府大阪市北区梅田"), ("460-0008", "愛知県名古屋市中区栄"),
    ("812-0011", "福岡県福岡市博多区博多駅前"), ("220-0012", "神奈川県横浜市西区みなとみらい"),
)  # fmt: skip


def _line(rng: random.Random, area: str) -> str:
    return f"{area}-{rng.randrange(1000, 10000)}-{rng.randrange(1000, 10000 - 10)}"


def build_companies(rng: random.Random) -> list[Company]:
    """The companies with their main line, fax and office address drawn."""
    found = []
    for name, reading, form, first, weight, english, domain in COMPANIES:
        postal, town = rng.choice(PREFECTURES)
        area = "06" if town.startswith("大阪") else "052" if town.startswith("愛知") else "03"
        main = _line(rng, area)
        fax = main[:-1] + str((int(main[-1]) + 1) % 10)  # the fax is usually next to the main line
        street = f"{town}{rng.randrange(1, 10)}-{rng.randrange(1, 20)}-{rng.randrange(1, 30)}"
        found.append(
            Company(name, reading, english, domain, form, first, weight, main, fax, postal, street)
        )
    return found


def company_name(rng: random.Random, company: Company, source: str) -> str:
    """How ``source`` (eight, linkedin, google, phone) writes the company's name."""
    short = {"株式会社": ("(株)", "㈱", "（株）"), "有限会社": ("(有)", "㈲")}.get(company.form, ())
    if source == "eight":
        variants = [company.registered()] * 8 + [company.name]
    elif source == "linkedin":
        variants = [company.english] * 5 + [company.registered()] * 2 + [company.name]
    else:
        variants = [company.registered(), company.name, company.name]
        variants += [
            f"{s}{company.name}" if company.form_first else f"{company.name}{s}" for s in short
        ]
    return rng.choice(variants)
