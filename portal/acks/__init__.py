"""Signed acknowledgements: append-only, hash-chained, verifiable."""
