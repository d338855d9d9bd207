"""The command line: parse options, call one service, render the result.

Modules here import only click at load time; services, SQLAlchemy and rich are imported inside
the commands so that ``bankrec --help`` starts fast.
"""
