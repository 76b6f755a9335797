"""Several hosts, one database: each host builds its own site release and index from the database.

The database is the only thing the hosts share (PostgreSQL; optionally Redis
for the task queue).  The host that publishes builds ``site/<v>/`` and
``var/index/<v>`` before its commit (:mod:`portal.releases.everywhere`); every
other host notices that the release in force (:func:`current_release`) has no
local snapshot, site or index and builds them *from the regulation versions
stored in the database* before it serves the new release: on the first request
that needs them (the versioned site, search), when its task consumer starts,
and on ``handbook sync-release``.  A request on another host therefore never
serves the old release once the new one is committed: it waits for the build
(a file lock keeps the workers of one host from building twice).
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.model import Release
from portal.releases.current import current_release
from portal.releases.everywhere import Artefacts, documents_in_force
from portal.releases.models import ReleaseRecord
from project.paths import Paths
from publishing.releases import load_releases, release_file

log = logging.getLogger(__name__)

# The endpoints that read the local release files; every other page reads the database.
FILE_ENDPOINTS = frozenset({"reading.site", "search_page.search"})


@dataclass(frozen=True)
class SyncOutcome:
    """What one host did to match the release in force: the version and the parts it built."""

    version: str | None
    built: tuple[str, ...] = ()


def release_in_database(session: Session) -> Release | None:
    """The release in force as the database holds it: its record and every regulation in force."""
    version = current_release(session)
    if version is None:
        return None
    record = session.scalars(select(ReleaseRecord).where(ReleaseRecord.version == version)).one()
    return Release(record.version, record.title, record.effective, tuple(documents_in_force(session)), record.notes)


def missing_parts(paths: Paths, version: str) -> tuple[str, ...]:
    """Which local files of release ``version`` this host lacks (cheap: three stat calls)."""
    parts = {
        "snapshot": release_file(paths.releases, version).is_file(),
        "site": (paths.site / version).is_dir(),
        "index": (paths.index / version).exists(),
    }
    return tuple(name for name, present in parts.items() if not present)


@contextmanager
def _host_lock(paths: Paths) -> Iterator[None]:
    """One builder per host: the other workers wait, then find the files there."""
    paths.var.mkdir(parents=True, exist_ok=True)
    with open(paths.var / "release-sync.lock", "w", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sync_release(session: Session, artefacts: Artefacts) -> SyncOutcome:
    """Build whatever this host lacks of the release in force, from the database; idempotent."""
    paths = artefacts.paths
    version = current_release(session)
    if version is None or not missing_parts(paths, version):
        return SyncOutcome(version)
    with _host_lock(paths):
        missing = missing_parts(paths, version)  # another worker may have built them meanwhile
        if not missing:
            return SyncOutcome(version)
        release = release_in_database(session)
        assert release is not None  # current_release just found it
        if "snapshot" in missing:
            artefacts.write_snapshot(release)
        if "site" in missing:
            artefacts.build_site(release, _previous(paths, release.version))
        if "index" in missing:
            artefacts.build_index(release)
        artefacts.written.clear()  # built for good: nothing to undo
        artefacts.refresh_pointers()
    log.info("release %s synced from the database: built %s", version, ", ".join(missing))
    return SyncOutcome(version, missing)


def _previous(paths: Paths, version: str) -> Release | None:
    """The newest local snapshot before ``version``, for the 本版变更 page."""
    earlier = [r for r in load_releases(paths.releases) if r.version != version]
    return earlier[-1] if earlier else None


@dataclass
class RequestSync:
    """Per process: the version last found complete, so a request costs one SELECT at most."""

    paths: Paths
    synced: set[str] = field(default_factory=set)

    def before_request(self, session: Session) -> None:
        if request.endpoint not in FILE_ENDPOINTS:
            return
        version = current_release(session)
        if version is None or version in self.synced:
            return
        sync_release(session, host_artefacts(self.paths))
        self.synced.add(version)


def host_artefacts(paths: Paths) -> Artefacts:
    from forms.declarations import ALL_FORMS

    return Artefacts(paths, paths.mkdocs_config, tuple(ALL_FORMS))


def register(app: Flask, paths: Paths) -> None:
    """Check, before the pages that read local files, that they match the release in force."""
    from portal.extensions import db

    sync = RequestSync(paths)

    @app.before_request
    def sync_local_release() -> None:
        sync.before_request(db.session())
