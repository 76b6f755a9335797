"""The portal stage."""
