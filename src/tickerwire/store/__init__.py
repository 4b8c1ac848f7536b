"""The store: one schema, SQLite by default and PostgreSQL for scale-out, behind one interface."""
