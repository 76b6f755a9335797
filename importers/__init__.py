"""The importers stage."""
