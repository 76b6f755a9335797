"""MkDocs hooks (``hooks:`` in mkdocs.yml): small site tweaks without a plugin package.

* the nested nav by kind, built from the pages' front matter
  (:mod:`publishing.nav`) when ``mkdocs.yml`` gives none;
* the search plugin's jieba user dictionary, resolved against the config
  file's folder (so ``mkdocs build -f`` works from any directory) and loaded
  here: Material's plugin opens it without closing it (a ResourceWarning,
  an error under our ``filterwarnings = error``).

Per-page metadata and the outdated banner are template overrides
(``publishing/theme/main.html``), not hooks.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from publishing.nav import build_nav, scan_pages

# Top-level names in docs_dir that are content but not pages.
NOT_PAGES = ("sources", "releases")


@event_priority(100)  # before the search plugin loads the dictionary
def on_config(config: MkDocsConfig, **_: Any) -> MkDocsConfig:
    _resolve_jieba_dictionary(config)
    if not config.nav:
        config.nav = build_nav(scan_pages(Path(config.docs_dir), NOT_PAGES))
    return config


def _resolve_jieba_dictionary(config: MkDocsConfig) -> None:
    search = config.plugins.get("material/search") or config.plugins.get("search")
    path = search.config.get("jieba_dict_user") if search is not None else None
    if search is None or not path:
        return
    if not os.path.isabs(path) and config.config_file_path:
        path = str(Path(config.config_file_path).parent / path)
    import jieba

    if not os.path.isfile(path):
        raise PluginError(f"search.jieba_dict_user: {path} does not exist")
    with open(path, "rb") as fh:
        jieba.load_userdict(fh)
    search.config["jieba_dict_user"] = None  # loaded; the plugin must not load it again
