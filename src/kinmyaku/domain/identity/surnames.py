"""How common the commonest Japanese family names are: the share of Japan's people (about
125 million) who bear each, by its sound (romaji folded by ``keys.phonetic_key``).

A small address book cannot tell that 佐藤 is common (1.5 % of Japan): its few 佐藤 look
rare.  Matching takes a family name's share as at least its share here, so two 佐藤 健 are
never strong evidence of one person however few 佐藤 the user knows.  Approximate shares
from public surname counts, rounded; only the order of magnitude matters.
"""

from __future__ import annotations

from kinmyaku.domain.identity.keys import phonetic_key

_SHARES = {
    "Sato": 0.0150,
    "Suzuki": 0.0143,
    "Takahashi": 0.0113,
    "Tanaka": 0.0107,
    "Ito": 0.0086,
    "Watanabe": 0.0086,
    "Yamamoto": 0.0086,
    "Nakamura": 0.0084,
    "Kobayashi": 0.0082,
    "Kato": 0.0071,
    "Yoshida": 0.0066,
    "Yamada": 0.0065,
    "Sasaki": 0.0054,
    "Yamaguchi": 0.0051,
    "Matsumoto": 0.0050,
    "Inoue": 0.0049,
    "Kimura": 0.0046,
    "Hayashi": 0.0043,
    "Saito": 0.0042,
    "Shimizu": 0.0042,
    "Yamazaki": 0.0038,
    "Mori": 0.0038,
    "Ikeda": 0.0036,
    "Hashimoto": 0.0036,
    "Abe": 0.0036,
    "Ishikawa": 0.0034,
    "Yamashita": 0.0034,
    "Nakajima": 0.0033,
    "Ishii": 0.0032,
    "Ogawa": 0.0031,
    "Maeda": 0.0030,
    "Okada": 0.0030,
    "Hasegawa": 0.0030,
    "Fujita": 0.0030,
    "Goto": 0.0029,
    "Kondo": 0.0029,
    "Murakami": 0.0028,
    "Endo": 0.0027,
    "Aoki": 0.0027,
    "Sakamoto": 0.0026,
}

FAMILY_SHARES: dict[str, float] = {phonetic_key(name): share for name, share in _SHARES.items()}
"""Family name sound -> its share of Japan's people."""

GIVEN_SHARE = 1 / 200
"""The share taken for any given name at least: the commonest (翔太, 陽菜, 健 …) each name
some 0.2-0.5 % of a generation."""
