"""The roster file reader: every encoding the importers decode, and every date form the forms accept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from domain.errors import ImportFailed
from portal.auth.roster import parse_roster, read_table

ROWS = "工号,姓名,入职日期\r\nE9001,周一,2026年3月1日\r\nE9002,吴二,2026.3.2\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
def test_a_roster_csv_reads_in_any_encoding_the_importers_decode(tmp_path: Path, encoding: str) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(ROWS.encode(encoding))
    assert read_table(roster) == [["工号", "姓名", "入职日期"], ["E9001", "周一", "2026年3月1日"], ["E9002", "吴二", "2026.3.2"]]


def test_roster_hire_dates_read_in_chinese_slashed_and_dotted_forms(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(ROWS.encode("utf-16"))
    valid, invalid = parse_roster(read_table(roster))
    assert invalid == []
    assert [row.user.hire_date for row in valid] == [dt.date(2026, 3, 1), dt.date(2026, 3, 2)]


def test_an_empty_roster_csv_is_refused_as_empty(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(b"")
    with pytest.raises(ImportFailed, match="empty roster"):
        parse_roster(read_table(roster))
