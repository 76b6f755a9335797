"""A publishing process killed in the middle (SIGKILL at the index step) changes nothing; a retry succeeds."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.model import Release
from domain.serialize import release_to_dict
from portal.clock import FixedClock
from portal.releases.everywhere import Artefacts, publish_everywhere
from portal.releases.models import Regulation, RegulationVersion, ReleaseRecord
from portal.releases.services import PublishRequest
from project.paths import Paths

CHECKOUT = Path(__file__).resolve().parents[3]
SALES = ["销售人员应遵守合同，不得私自改价。", "回款须在三十日内完成。"]

# Publishes the release in RELEASE_FILE and kills itself with SIGKILL once the site is built.
CHILD = textwrap.dedent("""
    import json, os, signal, sys
    from pathlib import Path
    from domain.serialize import release_from_dict
    from portal.app import create_app
    from portal.extensions import db
    from portal.releases.everywhere import Artefacts, publish_everywhere
    from portal.releases.services import PublishRequest
    from portal.web import CLOCK_KEY
    from project.paths import Paths

    url, root, release_file = sys.argv[1:4]

    class KilledAtIndex(Artefacts):
        def build_index(self, release):
            os.kill(os.getpid(), signal.SIGKILL)

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "HANDBOOK_ROOT": root, "SECRET_KEY": "x"})
    with app.app_context():
        paths = Paths(Path(root))
        release = release_from_dict(json.loads(Path(release_file).read_text(encoding="utf-8")))
        publish_everywhere(db.session(), app.extensions[CLOCK_KEY], KilledAtIndex(paths, paths.mkdocs_config),
                           PublishRequest(release))
""")


@pytest.mark.slow
def test_a_killed_publish_leaves_the_previous_release_serving_and_a_retry_succeeds(
    session: Session, clock: FixedClock, tmp_path: Path, database_url: str, app: Any,
    document: Callable[..., Any],
) -> None:
    paths = Paths(tmp_path / "root")
    first = Release("2026.1", "手册", clock.today(), (document("sales", "销售管理制度", SALES),))
    publish_everywhere(session, clock, Artefacts(paths, paths.mkdocs_config), PublishRequest(first))
    revised = Release("2026.2", "手册", clock.today(), (document("sales", "销售管理制度", [*SALES, "每月对账一次。"]),))
    release_file = tmp_path / "2026.2.json"
    release_file.write_text(json.dumps(release_to_dict(revised), ensure_ascii=False), encoding="utf-8")

    child = subprocess.run([sys.executable, "-c", CHILD, app.config["SQLALCHEMY_DATABASE_URI"], str(paths.root),
                            str(release_file)], cwd=CHECKOUT, capture_output=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]

    session.expire_all()
    assert session.scalars(select(ReleaseRecord.version)).all() == ["2026.1"]
    regulation = session.scalars(select(Regulation)).one()
    current = session.get(RegulationVersion, regulation.current_version_id)
    assert current is not None and current.label == "2026.1"
    served = json.loads((paths.site / "versions.json").read_text(encoding="utf-8"))
    assert [v["version"] for v in served if "latest" in v["aliases"]] == ["2026.1"]
    assert not (paths.index / "2026.2").exists()

    outcome, _ = publish_everywhere(session, clock, Artefacts(paths, paths.mkdocs_config), PublishRequest(revised))
    assert outcome.documents[0].status == "substantive"
    served = json.loads((paths.site / "versions.json").read_text(encoding="utf-8"))
    assert [v["version"] for v in served if "latest" in v["aliases"]] == ["2026.2"]
    assert (paths.index / "2026.2").exists()
