"""Accounts: users and roles, login/logout, password change, login rate limit."""
