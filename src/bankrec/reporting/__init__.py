"""Renderers: turn service results into rich tables or JSON-ready documents."""
