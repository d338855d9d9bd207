"""Readers that turn files into domain values; no database access."""
