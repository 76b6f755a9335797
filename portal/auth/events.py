"""What the accounts feature announces, for features above it to act on (blinker signals).

Accounts know nothing of assignments: the assignments feature listens to these
and adds what its rules call for, in the same unit of work.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A user was created and flushed.  Sender: the ``User``; keywords ``session``, ``clock``, ``new_hire_days``.
user_created = _signals.signal("user-created")

#: A user's roles changed (flushed).  Sender: the ``User``; keywords ``session``, ``clock``.
roles_changed = _signals.signal("roles-changed")

#: A user's department changed (flushed): a transfer.  Sender: the ``User``; keywords ``session``, ``clock``,
#: ``old_department``, ``new_hire_days``.
department_changed = _signals.signal("department-changed")
