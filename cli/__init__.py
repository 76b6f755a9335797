"""The ``handbook`` command line: one sub-command module per pipeline stage."""
