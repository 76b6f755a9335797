"""Search documents from the domain model: pure, one per clause, heading, job and document."""

from __future__ import annotations

from domain.model import Handbook
from search.documents import SiteAddress, search_documents


def test_every_numbered_section_job_and_document_becomes_one_search_document(small_book: Handbook) -> None:
    handbook = small_book
    docs = search_documents(handbook.documents, SiteAddress("2026.1"))
    sections = sum(1 for d in handbook.documents for s in d.walk() if s.text or s.title)
    jobs = sum(len(d.job_descriptions) for d in handbook.documents)
    assert len(docs) == sections + jobs + len(handbook.documents)
    assert len({d.key for d in docs}) == len(docs)


def test_a_clause_knows_its_parent_headings_and_permalink(small_book: Handbook) -> None:
    docs = {d.key: d for d in search_documents(small_book.documents, SiteAddress("2026.1"))}
    clause = docs["case-site-rules#第十条"]
    assert clause.kind == "clause"
    assert clause.heading_path == ("第一章总则",)
    assert clause.url == "/site/2026.1/regulations/case-site-rules/#第十条"
    assert docs["case-site-rules#第一章"].kind == "heading"


def test_the_searchable_text_carries_headings_and_body_but_not_the_document_title(
    small_book: Handbook,
) -> None:
    docs = {d.key: d for d in search_documents(small_book.documents, SiteAddress())}
    text = docs["meeting-rules#三-4"].searchable_text
    for part in ("三、会议的组织", "会议主持人"):
        assert part in text
    # Titles repeat 营销中心…管理制度 in every clause: they are searched through 文档: instead.
    assert "市场营销中心会议管理制度" not in text
    assert docs["meeting-rules#三-4"].url.startswith("/site/latest/")


def test_job_descriptions_are_searchable_by_reporting_line(small_book: Handbook) -> None:
    docs = {d.key: d for d in search_documents(small_book.documents, SiteAddress("2026.1"))}
    job = docs["job:sales-manager"]
    assert job.kind == "job" and job.department == "销售部"
    assert "营销副总" in job.searchable_text
    assert job.url == "/site/2026.1/jobs/sales-manager/"
