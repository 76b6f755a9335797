"""Long work in a child process under a memory cap and a time limit: the job fails, the caller lives."""

from __future__ import annotations

import operator
import os
import time
from pathlib import Path

import pytest

from domain.errors import HandbookError, ImportFailed
from portal.tasks.isolation import MIB, LimitExceeded, Limits, run_limited

# The child imports what it runs by name, and the tests package is not importable there: the work is
# the standard library's own functions (bytearray allocates, time.sleep waits) and the importer's.


def test_the_result_comes_back_from_another_process() -> None:
    assert len(run_limited(Limits(512 * MIB, 60), bytearray, 64 * MIB)) == 64 * MIB
    assert run_limited(Limits(512 * MIB, 60), os.getpid) != os.getpid()


def test_work_past_the_memory_cap_fails_with_the_reason_and_the_caller_lives() -> None:
    with pytest.raises(LimitExceeded) as refused:
        run_limited(Limits(300 * MIB, 60), bytearray, 2048 * MIB)
    assert "内存超过上限（300 MiB）" in refused.value.user_message
    assert len(run_limited(Limits(300 * MIB, 60), bytearray, 16 * MIB)) == 16 * MIB


def test_work_past_the_time_limit_is_stopped() -> None:
    started = time.monotonic()
    with pytest.raises(LimitExceeded) as refused:
        run_limited(Limits(512 * MIB, 1.5), time.sleep, 30)
    assert time.monotonic() - started < 10
    assert "处理时间超过上限" in refused.value.user_message


def test_the_work_s_own_refusal_keeps_its_kind_and_chinese_message(tmp_path: Path) -> None:
    from portal.releases.sources import import_sources

    broken = tmp_path / "规章.docx"
    broken.write_bytes(b"PK\x03\x04 not a zip at all")
    with pytest.raises(ImportFailed) as refused:
        import_sources([broken])
    with pytest.raises(ImportFailed) as isolated:
        run_limited(Limits(512 * MIB, 60), import_sources, [broken])
    assert isolated.value.user_message == refused.value.user_message and "规章.docx" in isolated.value.user_message
    with pytest.raises(HandbookError) as bug:
        run_limited(Limits(512 * MIB, 60), operator.getitem, {}, "missing")
    assert "KeyError" in str(bug.value) and "联系管理员" in bug.value.user_message


def test_a_real_import_runs_under_the_limits(tmp_path: Path) -> None:
    from portal.releases.sources import import_sources

    source = tmp_path / "制度.txt"
    source.write_text("考勤管理制度\n第一条 员工应准时到岗。\n第二条 迟到者扣分。\n", encoding="utf-8")
    handbook = run_limited(Limits(2048 * MIB, 120), import_sources, [source])
    assert [d.title for d in handbook.documents] == ["考勤管理制度"]
