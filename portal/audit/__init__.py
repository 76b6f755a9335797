"""The audit log: who did what and when (logins, signatures, exports, publishes, role changes)."""
