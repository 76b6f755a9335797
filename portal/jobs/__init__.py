"""Long work (publishing) run in a background thread, with progress kept in the database.

Progress lives in a table, not in memory, so any gunicorn worker can answer
the page that polls it.
"""
