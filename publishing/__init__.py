"""The publishing stage."""
