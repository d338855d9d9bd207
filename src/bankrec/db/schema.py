"""The schema revision this code expects; a test keeps it equal to the migrations' head."""

SCHEMA_HEAD = "0007"
