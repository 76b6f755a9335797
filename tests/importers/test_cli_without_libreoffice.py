"""``handbook import --no-libreoffice`` reads .doc files with antiword and says what was lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"


@pytest.mark.slow
def test_doc_read_with_antiword_warns_that_styles_and_numbering_are_lost() -> None:
    source = str(CORPUS / "zh_explain_part1.doc")
    runner = CliRunner()
    plain = runner.invoke(main, ["import", source, "--json", "--no-libreoffice"])
    styled = runner.invoke(main, ["import", source, "--json"])

    assert plain.exit_code == 0 and styled.exit_code == 0, plain.output + styled.output
    plain_model, styled_model = json.loads(plain.stdout), json.loads(styled.stdout)
    assert any("未经 LibreOffice 转换" in w for w in plain_model["warnings"])
    assert not any("未经 LibreOffice 转换" in w for w in styled_model["warnings"])
    # The same clauses come through; only the automatic numbers differ.
    assert len(plain_model["documents"][0]["sections"]) >= 0.8 * len(styled_model["documents"][0]["sections"])
