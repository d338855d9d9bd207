"""bankrec: statement import, payment application and bank reconciliation on an exact ledger."""

__version__ = "0.1.0"
