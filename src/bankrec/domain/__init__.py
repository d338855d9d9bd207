"""Pure values and rules: no database, no command line, no terminal output."""
