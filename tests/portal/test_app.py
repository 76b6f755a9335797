"""The application factory: what it sets up around the app."""

from __future__ import annotations

from pathlib import Path


def test_the_sqlite_database_and_its_folder_are_private(tmp_path: Path) -> None:
    # Issue 9, finding 10: var/portal.sqlite3 and its WAL were world-readable (password hashes, sessions).
    import stat

    from sqlalchemy import text

    from portal.app import create_app
    from portal.extensions import db

    app = create_app({"HANDBOOK_ROOT": tmp_path, "SECRET_KEY": "x", "TESTING": True, "SQLALCHEMY_DATABASE_URI": None})
    with app.app_context():
        db.session.execute(text("CREATE TABLE t (x INTEGER)"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    create_app({"HANDBOOK_ROOT": tmp_path, "SECRET_KEY": "x", "TESTING": True, "SQLALCHEMY_DATABASE_URI": None})  # a restart tightens the files
    var = tmp_path / "var"
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    assert stat.S_IMODE((var / "portal.sqlite3").stat().st_mode) == 0o600
