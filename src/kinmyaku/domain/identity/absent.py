"""What a record lacks that its address book usually holds: evidence against a pair.

A phone's contacts hold people's numbers, and LinkedIn or Eight hold their job titles.
When most people of an address book have a mobile there, a person known only from such
books with no number at all, set against a record that shows a mobile, says the two may
be two people of one name; so does an entry with no title, in a book where most people at a company
have one, against a record with a title.  Which books hold what is learned from the
user's own people (a book of a few entries, or one whose entries seldom hold it, teaches
nothing), so that an address book that never stores titles (a phone's) is never held
against anyone.  Each is a level of the model whose weight is learned like the others;
when the user's own people show it to weigh against a pair (``scoring.Model.against``),
a pair with nothing but a name at a company and one of these is not merged without
asking (``scoring.strong``): it is suggested instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from kinmyaku.domain.identity.profile import Features, Population

EXPECTED = 0.7
"""A book holds a kind of value when at least this share of its people have it there."""

MIN_BOOK = 30
"""The fewest people of one book (known from that book only) its shares are taken over."""

NUMBER = "number"
TITLE = "title"


def learn_expected(features: Sequence[Features], population: Population) -> dict[str, int]:
    """Learn which address books usually hold a mobile and which a job title, over the
    people known from one book only (a merged person's values may come from another);
    store them in ``population.expected``.  Returns how many books hold each."""
    people: Counter[str] = Counter()
    employed: Counter[str] = Counter()
    numbered: Counter[str] = Counter()
    titled: Counter[str] = Counter()
    for feature in features:
        books = feature.profile.books
        if len(books) != 1 or not feature.named:
            continue
        (book,) = books
        people[book] += 1
        numbered[book] += bool(feature.mobiles)
        if feature.companies:
            employed[book] += 1
            titled[book] += bool(feature.profile.titles)
    expected = {
        NUMBER: frozenset(
            b for b, n in people.items() if n >= MIN_BOOK and numbered[b] >= EXPECTED * n
        ),
        TITLE: frozenset(
            b for b, n in employed.items() if n >= MIN_BOOK and titled[b] >= EXPECTED * n
        ),
    }
    population.expected = expected
    return {kind: len(books) for kind, books in expected.items()}


def lacks(feature: Features, population: Population, kind: str) -> bool:
    """Whether a record has no value of ``kind`` though its books usually hold one: for a
    number, every book it comes from (an entry saved from an e-mail, merged into it, holds
    no number: a person known from LinkedIn too may have none); for a title, one of them
    (a phone's entry never holds one, so the card merged with it would)."""
    books = population.expected.get(kind)
    own = feature.profile.books
    if not books or not own or not feature.named:
        return False
    if kind == NUMBER:
        return not feature.phones and own <= books
    return not feature.profile.titles and bool(own & books)


def number_absent(a: Features, b: Features, population: Population) -> bool:
    """One record shows a mobile; the other, from a book that holds people's mobiles, has
    no number at all."""
    return any(x.mobiles and lacks(y, population, NUMBER) for x, y in ((a, b), (b, a)))


def title_absent(a: Features, b: Features, population: Population) -> bool:
    """One record gives a job title; the other, from a book that holds titles, has none."""
    for x, y in ((a, b), (b, a)):
        if x.profile.titles and y.companies and lacks(y, population, TITLE):
            return True
    return False
