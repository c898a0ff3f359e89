"""Use cases: one function each, keyword arguments, one transaction (a UnitOfWork)."""
