"""Background tasks: long work (publishing) run in a thread, with progress kept in the database.

(Job descriptions, 岗位说明书, are another thing: ``importers.jobs``.)

Progress lives in a table, not in memory, so any gunicorn worker can answer
the page that polls it.
"""
