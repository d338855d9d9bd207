"""Receivables use cases: payment registration, cash receipts, applying posted entries."""
