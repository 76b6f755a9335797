"""Administration: accounts and roles, the audit log, publishing with progress, chain verification."""
