"""Who must acknowledge what, by when: rules and the assignments they produce."""
