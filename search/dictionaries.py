"""Which dictionaries jieba loads for search: ours, then the company's that the site's search uses."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DICTIONARY = Path(__file__).with_name("company_dict.txt")
SITE_DICTIONARY = Path("publishing") / "dict" / "company.txt"


def dictionaries(project_root: Path) -> tuple[Path, ...]:
    """Our dictionary, then the company dictionary the site's search uses, if present."""
    site = project_root / SITE_DICTIONARY
    return (PACKAGE_DICTIONARY, site) if site.is_file() else (PACKAGE_DICTIONARY,)
