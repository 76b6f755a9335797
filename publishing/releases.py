"""Releases: snapshots of the imported handbook, stored as ``releases/<version>.json``.

A release is written once and never overwritten: HR signs a specific version,
so the text behind a version number must never change.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

from domain.errors import HandbookError, NotFound, ValidationFailed
from domain.model import Release
from domain.serialize import dumps, handbook_from_dict, release_from_dict, release_to_dict

# A version becomes a directory name and a URL segment: keep it plain.
_VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")
RESERVED_VERSIONS = frozenset({"latest", "versions.json", "index.html"})


class ReleaseExists(HandbookError):
    user_message = "该版本已经发布，不能覆盖。"


def check_version(version: str) -> str:
    if not _VERSION_RE.match(version) or version in RESERVED_VERSIONS:
        raise ValidationFailed(
            f"invalid release version {version!r}",
            f"版本号“{version}”无效：只能使用字母、数字、点、下划线和连字符，且不能是 latest。",
        )
    return version


def release_file(releases_dir: Path, version: str) -> Path:
    return releases_dir / f"{check_version(version)}.json"


def version_key(release: Release) -> tuple[dt.date, tuple[tuple[int, str], ...]]:
    """Order of releases: by effective date, then by version (2026.10 after 2026.9)."""
    parts = re.findall(r"\d+|\D+", release.version)
    return release.effective, tuple((int(p), "") if p.isdigit() else (-1, p) for p in parts)


def load_release(path: Path) -> Release:
    try:
        return release_from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        raise HandbookError(
            f"cannot read release {path}: {exc}", f"无法读取发布版本文件 {path.name}。"
        ) from exc


def load_releases(releases_dir: Path) -> list[Release]:
    """Every stored release, oldest first."""
    if not releases_dir.is_dir():
        return []
    return sorted((load_release(p) for p in sorted(releases_dir.glob("*.json"))), key=version_key)


def create_release(
    model_path: Path, releases_dir: Path, version: str, effective: dt.date, title: str, notes: str = ""
) -> Path:
    """Snapshot ``model.json`` as release ``version``; refuse to overwrite an existing one."""
    target = release_file(releases_dir, version)
    if target.exists():
        raise ReleaseExists(f"release {version} exists: {target}", f"版本 {version} 已经发布，不能覆盖。")
    if not model_path.is_file():
        raise NotFound(f"no model at {model_path}", "找不到 handbook/model.json，请先运行 handbook import。")
    handbook = handbook_from_dict(json.loads(model_path.read_text(encoding="utf-8")))
    if not handbook.documents:
        raise ValidationFailed("model has no documents", "当前手册没有任何文件，不能发布。")
    release = Release(version, title or version, effective, handbook.documents, notes)
    releases_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(dumps(release_to_dict(release)), encoding="utf-8")
    try:
        # A hard link fails if the target appeared meanwhile: no silent overwrite.
        os.link(tmp, target)
    except FileExistsError as exc:
        raise ReleaseExists(f"release {version} exists", f"版本 {version} 已经发布，不能覆盖。") from exc
    finally:
        tmp.unlink()
    return target
