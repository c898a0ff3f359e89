"""Identity: one person, one record.

The matching engine (``domain/identity``) scores pairs of people; these use cases find
duplicates (``finding``), check a new person before it is written (``finding``), merge
and unmerge (``merging``), and remember pairs that are different people.
"""
