"""Proofs of acknowledgement: printable, verified PDF records per person and per regulation version."""
