"""Persistence: SQLAlchemy models, column types, the engine, migrations and repositories."""
