"""Long work (publishing, imports, bulk reminders) as durable tasks: huey queue, state in the database.

(Job descriptions, 岗位说明书, are another thing: ``importers.jobs``.)

See docs/tasks.md.  ``queue.py`` builds the queue from the configuration and enqueues,
``registry.py`` maps a task kind to its function, ``runner.py`` runs one job in the
consumer, ``sweep.py`` fails jobs whose consumer died, ``consumer.py`` is the process;
``models.py`` holds the visible state (table ``jobs``), ``runs.py`` the queue's bookkeeping.
"""
