"""The forms stage."""
