"""Publishing the whole real handbook end to end, against its parts run bare in the same run.

What is timed, on a fresh project root and SQLite database each repeat:

* ``publish first``: the committed release (20 regulations) through
  :func:`portal.releases.everywhere.publish_everywhere` — versions in the
  database, release snapshot, site release (MkDocs), search index, commit.
* ``publish revision``: the seed's source imported again with one clause
  edited (the importer, the clause diff of every regulation against the
  version in force, the re-sign requests of 200 signers), then published
  everywhere: a new site release beside the first and a new index.
* ``baseline``: the same release's site built by ``publishing.site.build_release``
  and its index by ``search.index.build_index`` directly, with no database, no
  diff and no import: the floor that publishing cannot go under.

    .venv/bin/python bench/publish_bench.py [--repeat 3] [--signers 200]

Prints medians (seconds) and the ratio of each publish to the baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.model import Release  # noqa: E402
from forms.declarations import ALL_FORMS  # noqa: E402
from portal.app import create_app  # noqa: E402
from portal.assignments.services import NewRule, add_rule  # noqa: E402
from portal.auth.services import NewUser, create_user  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.releases.everywhere import Artefacts, publish_everywhere  # noqa: E402
from portal.releases.services import PublishRequest  # noqa: E402
from portal.releases.sources import import_sources, load_release  # noqa: E402
from portal.server import migrate_app  # noqa: E402
from portal.web import CLOCK_KEY  # noqa: E402
from project.paths import Paths  # noqa: E402
from publishing.site import SiteBuild, build_release  # noqa: E402
from search.analysis import load_segmenter  # noqa: E402
from search.dictionaries import dictionaries  # noqa: E402
from search.index import build_index  # noqa: E402
from search.sources import release_source  # noqa: E402

COMMITTED = ROOT / "handbook" / "releases" / "2026.1.json"
SOURCES = sorted((ROOT / "handbook" / "sources").glob("*.txt"))


def edited_sources(folder: Path) -> list[Path]:
    """The seed's source with one clause changed (targets set before the 28th, now the 25th)."""
    out = []
    for path in SOURCES:
        target = folder / path.name
        text = path.read_text(encoding="utf-8")
        target.write_text(text.replace("每月28日前制订下月目标", "每月25日前制订下月目标", 1), encoding="utf-8")
        out.append(target)
    return out


def one_repeat(signers: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="publish-bench-") as tmp:
        paths = Paths(Path(tmp) / "root")
        app = create_app({"HANDBOOK_ROOT": paths.root, "PASSWORD_HASH_PROFILE": "fast"})
        migrate_app(app)
        artefacts = Artefacts(paths, paths.mkdocs_config, tuple(ALL_FORMS))
        first = load_release(COMMITTED)
        figures: dict[str, float] = {}
        with app.app_context():
            session, clock = db.session(), app.extensions[CLOCK_KEY]
            started = time.perf_counter()
            publish_everywhere(session, clock, artefacts, PublishRequest(first))
            figures["publish first"] = time.perf_counter() - started
            for n in range(signers):
                create_user(session, clock, NewUser(f"B{n:05d}", f"员工{n}", "bench-password-1", "销售部"),
                            hash_profile="fast")
            add_rule(session, clock, NewRule("all", "", None, 30))
            session.commit()

            started = time.perf_counter()
            handbook = import_sources(edited_sources(Path(tmp)))
            revision = Release("2026.2", first.title, clock.today(), handbook.documents, "基准测试修订")
            outcome, _ = publish_everywhere(session, clock, Artefacts(paths, paths.mkdocs_config, tuple(ALL_FORMS)),
                                            PublishRequest(revision))
            figures["publish revision"] = time.perf_counter() - started
            figures["substantive"] = float(outcome.count("substantive"))
            db.session.remove()
            db.engine.dispose()

        bare = Paths(Path(tmp) / "bare")
        started = time.perf_counter()
        build_release(SiteBuild(bare.mkdocs_config, bare.site), first, None, tuple(ALL_FORMS))
        build_index(bare.index, first.version, release_source(first).search_documents(tuple(ALL_FORMS)),
                    load_segmenter(dictionaries(ROOT)))
        figures["baseline"] = time.perf_counter() - started
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--signers", type=int, default=200)
    args = parser.parse_args()
    runs = [one_repeat(args.signers) for _ in range(args.repeat)]
    medians = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    base = medians["baseline"]
    print(f"publishing the real handbook ({len(load_release(COMMITTED).documents)} regulations), "
          f"median of {args.repeat}, {dt.date.today()}:")
    print(f"  (the revision: {medians['substantive']:.0f} substantive regulation(s), the rest unchanged)")
    for key in ("publish first", "publish revision", "baseline"):
        ratio = f"  {medians[key] / base:.2f}x baseline" if key != "baseline" else "  (site build + index build, bare)"
        print(f"  {key:18} {medians[key]:6.2f} s{ratio}")


if __name__ == "__main__":
    main()
