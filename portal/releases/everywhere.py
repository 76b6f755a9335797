"""Publishing a release everywhere at once: database, site release and search index.

The order is what makes it all-or-nothing.  Everything that can fail is
done first, where nobody sees it yet: the new regulation versions are
written in the open transaction (not committed), the release snapshot is
written under its own name, the site release is built into
``site/<version>/`` and the search index into ``var/index/<version>``.  The
portal decides which release is *current* from the database alone (the
newest release whose effective date has come, :mod:`portal.releases.current`),
so none of these files is served as current until the transaction commits.
Only then are the static pointers (``versions.json``, ``latest/``) refreshed
for readers outside the portal.  If any step before the commit fails, the
transaction is rolled back and every file written so far is removed: the
previous release keeps serving, and a retry starts from a clean state.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.model import Document, FormTemplate, Release
from domain.serialize import dumps, release_to_dict
from portal.clock import Clock
from portal.releases.models import Regulation, RegulationVersion
from portal.releases.services import ProgressCallback, PublishOutcome, PublishRequest, publish_release
from project.paths import Paths
from publishing.releases import load_releases, release_file
from publishing.site import SiteBuild, build_release, publish_versions
from search.analysis import load_segmenter
from search.dictionaries import dictionaries
from search.index import build_index, collect_garbage
from search.sources import release_source

log = logging.getLogger(__name__)


def _no_progress(_percent: int, _message: str) -> None:
    return None


@dataclass
class Artefacts:
    """The files a release has besides its database rows; each step can be undone.

    Tests replace a step with one that fails, to check that nothing changes.
    """

    paths: Paths
    mkdocs_config: Path
    forms: Sequence[FormTemplate] = ()
    written: list[Path] = field(default_factory=list)

    def write_snapshot(self, release: Release) -> None:
        target = release_file(self.paths.releases, release.version)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(dumps(release_to_dict(release)), encoding="utf-8")
        tmp.replace(target)
        self.written.append(target)

    def build_site(self, release: Release, previous: Release | None) -> None:
        out = self.paths.site / release.version
        if out.exists():  # a leftover of a crashed attempt: never served as current, rebuilt
            shutil.rmtree(out)
        build_release(SiteBuild(self.mkdocs_config, self.paths.site), release, previous, self.forms)
        self.written.append(out)

    def build_index(self, release: Release) -> None:
        source = release_source(release)
        segmenter = load_segmenter(dictionaries(self.paths.root))
        build = build_index(
            self.paths.index, release.version, source.search_documents(self.forms), segmenter,
            title=release.title, effective=release.effective,
        )
        self.written += [self.paths.index / release.version, build]

    def undo(self) -> None:
        for path in reversed(self.written):
            try:
                if path.is_symlink() or path.is_file():
                    path.unlink()
                elif path.is_dir():
                    shutil.rmtree(path)
            except OSError:  # best effort: a leftover is never served as current
                log.warning("could not remove %s after a failed publish", path, exc_info=True)
        self.written.clear()

    def refresh_pointers(self) -> None:
        """versions.json and latest/ for readers of the static files (the portal reads the database)."""
        publish_versions(self.paths.site, load_releases(self.paths.releases))
        collect_garbage(self.paths.index)


def documents_in_force(session: Session) -> list[Document]:
    """Every regulation in force after the open transaction's writes, in handbook order."""
    rows = session.execute(
        select(RegulationVersion)
        .join(Regulation, Regulation.current_version_id == RegulationVersion.id)
        .where(Regulation.retired.is_(False))
        .order_by(Regulation.position, Regulation.id)
    ).scalars()
    return [version.document() for version in rows]


def publish_everywhere(
    session: Session,
    clock: Clock,
    artefacts: Artefacts,
    request: PublishRequest,
    progress: ProgressCallback = _no_progress,
) -> tuple[PublishOutcome, Release]:
    """Publish ``request`` in the database, the site and the index, or change nothing.

    Commits the session on success; rolls it back (and removes the files) on failure.
    Returns the outcome and the full release (every regulation in force).
    """
    previous = _previous_release(artefacts.paths)
    try:
        outcome = publish_release(session, clock, request, progress)
        session.flush()
        upload = request.release
        full = Release(upload.version, upload.title, upload.effective, tuple(documents_in_force(session)), upload.notes)
        progress(60, "保存版本快照")
        artefacts.write_snapshot(full)
        progress(65, "构建站点版本")
        artefacts.build_site(full, previous)
        progress(85, "建立检索索引")
        artefacts.build_index(full)
        progress(97, "切换到新版本")
        session.commit()
    except BaseException:
        session.rollback()
        artefacts.undo()
        raise
    try:
        artefacts.refresh_pointers()
    except Exception:  # the portal already serves the new release from the database
        log.exception("static pointers of release %s not refreshed", outcome.version)
    return outcome, full


def _previous_release(paths: Paths) -> Release | None:
    releases = load_releases(paths.releases)
    return releases[-1] if releases else None
