"""Storage adapters: SQLAlchemy tables, queries, the unit of work and migrations."""
