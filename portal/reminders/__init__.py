"""Reminder e-mails to people with overdue signatures (``handbook remind`` and the dashboard)."""
