"""The posting engine: appends balanced transactions to the ledger inside a caller's session."""
