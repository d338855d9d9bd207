"""Use cases: the public Python API and the only layer that opens transactions and commits."""
