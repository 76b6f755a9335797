"""Onboarding: a new hire's reading list in order, with progress; HR's view of every recent hire."""
