"""The search page: the search stage's clause search, shown inside the portal."""
