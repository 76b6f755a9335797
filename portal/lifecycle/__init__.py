"""The life of a regulation after publication: its owner, its review cycle, periodic re-attestation (docs/lifecycle.md)."""
