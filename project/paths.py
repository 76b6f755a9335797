"""Where the project's files live, resolved once (by the CLI or the portal factory) and passed down.

The root is ``--root``, else ``$HANDBOOK_ROOT``, else the current directory
if it holds ``mkdocs.yml``, else the checkout this package was installed from.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    root: Path

    @property
    def handbook(self) -> Path:
        """Generated Markdown (the MkDocs docs_dir) and the stored model."""
        return self.root / "handbook"

    @property
    def sources(self) -> Path:
        """The source files of the current release, as HR received them."""
        return self.root / "handbook" / "sources"

    @property
    def releases(self) -> Path:
        """One JSON model per published release: ``<version>.json``."""
        return self.root / "handbook" / "releases"

    @property
    def model(self) -> Path:
        """The current import's model (the ``--json`` shape, with anchors)."""
        return self.root / "handbook" / "model.json"

    @property
    def site(self) -> Path:
        """The built, versioned site: ``site/<version>/`` and ``site/versions.json``."""
        return self.root / "site"

    @property
    def mkdocs_config(self) -> Path:
        """The root's mkdocs.yml, else the checkout's (a root that holds only content)."""
        own = self.root / "mkdocs.yml"
        return own if own.is_file() else Path(__file__).resolve().parent.parent / "mkdocs.yml"

    @property
    def var(self) -> Path:
        """Runtime state that is not content: search indexes, the SQLite database."""
        return self.root / "var"

    @property
    def index(self) -> Path:
        return self.var / "index"


def resolve_root(explicit: str | None = None) -> Path:
    if explicit:
        return Path(explicit).resolve()
    if env := os.environ.get("HANDBOOK_ROOT"):
        return Path(env).resolve()
    cwd = Path.cwd()
    if (cwd / "mkdocs.yml").exists():
        return cwd
    return Path(__file__).resolve().parent.parent
