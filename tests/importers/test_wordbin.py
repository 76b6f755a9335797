"""The .doc reader: one LibreOffice call per batch, antiword when LibreOffice is absent, clear errors."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from domain.errors import ImportFailed
from importers.blocks import Block
from importers.failures import FailureReason, SourceUnusable
from importers.results import Result
from importers.wordbin import (
    DocReaderOptions,
    DocResult,
    antiword_text,
    default_options,
    read_doc,
    read_doc_files,
)
from importers.wordx import read_docx
from tests.importers.word_samples import CORPUS, SampleSet, counting_soffice, sample_set

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def samples() -> SampleSet:
    return sample_set()


@dataclass(frozen=True)
class Batch:
    """One read_doc_files call: the four samples, two files both named 制度.doc, a truncated .doc."""

    samples: list[Result[list[Block]]]
    same_name: tuple[DocResult, DocResult]
    truncated: DocResult
    inputs: Path
    scratch: Path
    soffice_calls: int


@pytest.fixture(scope="module")
def batch(samples: SampleSet, tmp_path_factory: pytest.TempPathFactory) -> Batch:
    inputs, scratch = tmp_path_factory.mktemp("inputs"), tmp_path_factory.mktemp("scratch")
    same_name = [inputs / "a" / "制度.doc", inputs / "b" / "制度.doc"]
    for target, source in zip(same_name, (samples.regulation_docx, samples.unstyled_docx), strict=True):
        target.parent.mkdir()
        shutil.copyfile(samples.doc(source), target)
    truncated = inputs / "截断.doc"
    truncated.write_bytes(samples.doc(samples.regulation_docx).read_bytes()[:3000])
    wrapper, log = counting_soffice(tmp_path_factory.mktemp("wrapper"))
    options = dataclasses.replace(default_options(), soffice=wrapper, scratch_dir=scratch)
    outcomes = read_doc_files([*samples.doc_files, *same_name, truncated], options)
    results = [o for o in outcomes[:4] if not isinstance(o, ImportFailed)]
    assert len(results) == 4, outcomes[:4]
    return Batch(
        samples=results,
        same_name=(outcomes[4], outcomes[5]),
        truncated=outcomes[6],
        inputs=inputs,
        scratch=scratch,
        soffice_calls=len(log.read_text(encoding="utf-8").splitlines()),
    )


def _numbers(blocks: list[Block]) -> list[tuple[str, str]]:
    return [(b.number, b.text) for b in blocks if b.number]


def test_a_batch_of_doc_files_starts_libreoffice_once(batch: Batch) -> None:
    assert batch.soffice_calls == 1


def test_doc_keeps_custom_heading_styles_and_their_automatic_numbers(
    samples: SampleSet, batch: Batch
) -> None:
    blocks = batch.samples[0].value
    assert tuple(_numbers(blocks)) == samples.regulation.numbered
    found = {(b.style, b.text, b.outline_level) for b in blocks}
    assert set(samples.regulation.headings) <= found


def test_articles_that_never_restart_keep_counting_after_libreoffice_and_the_report_says_so(
    samples: SampleSet, batch: Batch
) -> None:
    result = batch.samples[0]
    articles = [b.number for b in result.value if b.style == "一级条标题"]
    assert articles == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    assert any("第N条" in w and "核对" in w for w in result.warnings)
    assert not any("第N条" in w for w in batch.samples[2].warnings)  # only where it mattered


def test_doc_keeps_tables_with_merged_cells_once(samples: SampleSet, batch: Batch) -> None:
    tables = [b.table for b in batch.samples[0].value if b.table is not None]
    assert tables == [samples.regulation.table]


def test_doc_keeps_multilevel_numbering(samples: SampleSet, batch: Batch) -> None:
    numbers = [b.number for b in batch.samples[1].value]
    docx_numbers = [b.number for b in read_docx(samples.multilevel_docx).value]
    assert numbers == docx_numbers == samples.multilevel


def test_unstyled_doc_gives_the_seed_lines_in_order(samples: SampleSet, batch: Batch) -> None:
    assert [b.text for b in batch.samples[2].value] == samples.unstyled_lines


def test_built_in_headings_are_unnumbered_after_a_libreoffice_round_trip(
    samples: SampleSet, batch: Batch
) -> None:
    blocks = batch.samples[3].value
    headings = [(b.text, b.outline_level) for b in blocks if b.outline_level]
    assert headings == samples.headings
    assert all(b.number == "" for b in blocks)


def test_blocks_of_a_doc_name_the_doc_file(samples: SampleSet, batch: Batch) -> None:
    assert all(b.source.startswith("regulation.doc:") for b in batch.samples[0].value)


def test_files_with_the_same_name_in_different_folders_keep_their_own_text(
    samples: SampleSet, batch: Batch
) -> None:
    one, two = batch.same_name
    assert not isinstance(one, ImportFailed) and not isinstance(two, ImportFailed)
    assert "本制度适用于营销中心全体人员。" in [b.text for b in one.value]
    assert [b.text for b in two.value] == samples.unstyled_lines


def test_without_libreoffice_antiword_reads_the_text_and_warns_that_styles_are_lost(
    samples: SampleSet,
) -> None:
    result = read_doc(samples.doc(samples.unstyled_docx), default_options(use_libreoffice=False))
    assert [b.text for b in result.value] == samples.unstyled_lines
    assert any("样式" in w and "表格" in w for w in result.warnings)


def test_a_doc_whose_size_is_not_whole_sectors_is_zero_padded_for_antiword(
    samples: SampleSet, tmp_path: Path
) -> None:
    odd = tmp_path / "wps.doc"
    odd.write_bytes(samples.doc(samples.unstyled_docx).read_bytes() + b"\0" * 300)
    antiword = shutil.which("antiword")
    assert antiword
    bare = subprocess.run(
        [antiword, "-m", "UTF-8.txt", "-w", "0", str(odd)], capture_output=True, check=False
    )
    assert bare.returncode != 0  # antiword alone refuses it
    result = read_doc(odd, default_options(use_libreoffice=False))
    assert [b.text for b in result.value] == samples.unstyled_lines


@pytest.mark.parametrize(
    ("file_name", "reason"),
    [
        ("poi_PasswordProtected.doc", FailureReason.ENCRYPTED),
        ("poi_Word6.doc", FailureReason.TEXT_TOO_SMALL),
        ("poi_clusterfuzz-testcase-minimized-POIHWPFFuzzer-5074346559012864.doc", FailureReason.CORRUPT),
    ],
)
def test_antiword_refusals_become_clear_reasons(file_name: str, reason: FailureReason) -> None:
    antiword = shutil.which("antiword")
    assert antiword
    with pytest.raises(SourceUnusable) as raised:
        antiword_text(CORPUS / file_name, antiword, timeout=30)
    assert raised.value.reason is reason
    assert file_name in raised.value.user_message


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", FailureReason.EMPTY), (bytes(range(256)) * 8, FailureReason.NOT_WORD)],
    ids=["empty", "random-bytes"],
)
def test_empty_and_random_files_named_doc_fail_before_any_conversion(
    tmp_path: Path, content: bytes, reason: FailureReason
) -> None:
    path = tmp_path / "坏文件.doc"
    path.write_bytes(content)
    options = DocReaderOptions(soffice="/nonexistent/soffice", antiword=None)  # would fail if started
    (outcome,) = read_doc_files([path], options)
    assert isinstance(outcome, SourceUnusable)
    assert outcome.reason is reason
    assert "坏文件.doc" in outcome.user_message


def test_an_encrypted_doc_is_detected_before_conversion() -> None:
    options = DocReaderOptions(soffice="/nonexistent/soffice", antiword=None)
    (outcome,) = read_doc_files([CORPUS / "poi_PasswordProtected.doc"], options)
    assert isinstance(outcome, SourceUnusable)
    assert outcome.reason is FailureReason.ENCRYPTED
    assert "加密" in outcome.user_message


def test_a_truncated_doc_fails_as_damaged_and_leaves_nothing_behind(batch: Batch) -> None:
    assert isinstance(batch.truncated, SourceUnusable)
    assert batch.truncated.reason is FailureReason.CORRUPT
    assert "截断.doc" in batch.truncated.user_message
    assert sorted(p.name for p in batch.inputs.iterdir()) == ["a", "b", "截断.doc"]
    assert not list(batch.scratch.iterdir())


def test_a_hanging_libreoffice_is_stopped_and_antiword_reads_the_text(
    samples: SampleSet, tmp_path: Path
) -> None:
    hanging = tmp_path / "soffice-hangs"
    hanging.write_text("#!/bin/sh\nsleep 60\n", encoding="utf-8")
    hanging.chmod(0o755)
    options = dataclasses.replace(
        default_options(), soffice=str(hanging), timeout_base=0.5, timeout_per_file=0.0
    )
    result = read_doc(samples.doc(samples.unstyled_docx), options)
    assert [b.text for b in result.value] == samples.unstyled_lines
    assert any("LibreOffice" in w for w in result.warnings)


def test_with_no_converter_at_all_the_error_says_what_to_install(samples: SampleSet) -> None:
    with pytest.raises(SourceUnusable) as raised:
        read_doc(samples.doc(samples.unstyled_docx), DocReaderOptions(soffice=None, antiword=None))
    assert raised.value.reason is FailureReason.NO_CONVERTER
    assert "LibreOffice" in raised.value.user_message


# ---------------------------------------------------------------- memory limit of the conversion (issue 9)


def test_a_conversion_that_needs_more_memory_than_its_limit_fails_at_once(
    samples: SampleSet, tmp_path: Path
) -> None:
    """A converter that would grab 1 GiB (and then hang) is stopped by its memory limit, not the timeout."""
    greedy = tmp_path / "soffice-greedy"
    greedy.write_text(
        "#!/bin/sh\nexec python3 -c 'import time; b = bytearray(1 << 30); time.sleep(60)'\n", encoding="utf-8"
    )
    greedy.chmod(0o755)
    options = DocReaderOptions(
        soffice=str(greedy), antiword=None, timeout_base=20.0, memory_limit_bytes=256 * 1024 * 1024
    )
    started = time.monotonic()
    with pytest.raises(SourceUnusable) as raised:
        read_doc(samples.doc(samples.unstyled_docx), options)
    elapsed = time.monotonic() - started
    assert raised.value.reason is FailureReason.CONVERSION_FAILED
    assert "内存上限" in raised.value.user_message and "unstyled.doc" in raised.value.user_message
    assert elapsed < 10.0, f"took {elapsed:.1f} s: the limit did not apply"


def test_libreoffice_under_a_tiny_memory_limit_fails_with_the_reason_and_does_not_hang(
    samples: SampleSet,
) -> None:
    options = dataclasses.replace(default_options(), antiword=None, memory_limit_bytes=64 * 1024 * 1024)
    started = time.monotonic()
    with pytest.raises(SourceUnusable) as raised:
        read_doc(samples.doc(samples.unstyled_docx), options)
    assert raised.value.reason is FailureReason.CONVERSION_FAILED
    assert "内存上限" in raised.value.user_message
    assert time.monotonic() - started < options.timeout_base


def test_the_default_memory_limit_lets_libreoffice_convert(samples: SampleSet) -> None:
    options = default_options()
    assert options.memory_limit_bytes is not None
    result = read_doc(samples.doc(samples.unstyled_docx), dataclasses.replace(options, antiword=None))
    assert [b.text for b in result.value] == samples.unstyled_lines
