"""Where a release to publish comes from: a release JSON, a model JSON, or source files.

Source files (.doc/.docx/.txt) go through ``importers.pipeline.import_files``;
the importers are always installed with the portal.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from domain.errors import ImportFailed
from domain.model import Handbook, Release
from domain.serialize import handbook_from_dict, release_from_dict
from importers import pipeline

DEFAULT_TITLE = "管理制度手册"


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Sort ``2026.2`` before ``2026.10``."""
    return tuple((int(p), "") if p.isdigit() else (0, p) for p in re.split(r"[.\-]", version))


def release_files(releases_dir: Path) -> list[Path]:
    """``handbook/releases/<version>.json`` in version order."""
    if not releases_dir.is_dir():
        return []
    return sorted(releases_dir.glob("*.json"), key=lambda p: version_key(p.stem))


def _from_json(data: dict[str, Any], version: str | None, effective: dt.date | None, title: str) -> Release:
    if "version" in data and "effective" in data:
        release = release_from_dict(data)
        return Release(
            version=version or release.version,
            title=title or release.title,
            effective=effective or release.effective,
            documents=release.documents,
            notes=release.notes,
        )
    if version is None or effective is None:
        raise ImportFailed("model JSON needs a version and a date", "导入模型文件时必须指定版本号和生效日期。")
    return release_of(handbook_from_dict(data), version, effective, title)


def release_of(handbook: Handbook, version: str, effective: dt.date, title: str = "") -> Release:
    return Release(version=version, title=title or DEFAULT_TITLE, effective=effective, documents=handbook.documents)


def import_sources(paths: list[Path]) -> Handbook:
    handbook = pipeline.import_files(paths)
    if handbook.report.errors:
        # The importer's own reason ("too large", "not a Word file") is what HR must read.
        message = "；".join(handbook.report.errors)
        raise ImportFailed(f"import refused: {message}", message)
    return handbook


def load_release(path: Path, version: str | None = None, effective: dt.date | None = None, title: str = "") -> Release:
    """A release from a .json file (release or model shape) or from source documents."""
    if not path.is_file():
        raise ImportFailed(f"{path} not found", f"找不到文件 {path.name}。")
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ImportFailed(f"bad JSON {path}: {error}", f"{path.name} 不是有效的 JSON 文件。") from error
        return _from_json(data, version, effective, title)
    if version is None or effective is None:
        raise ImportFailed("sources need a version and a date", "发布源文件时必须指定版本号和生效日期。")
    return release_of(import_sources([path]), version, effective, title)
