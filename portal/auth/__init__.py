"""Accounts: users and roles, login/logout, server-side sessions, password change, the login throttle."""
