"""Query expansion: our list of the words staff type and the words the handbook uses."""

from __future__ import annotations

from search.synonyms import parse_synonyms, read_synonyms


def test_synonym_lines_parse_into_alternatives() -> None:
    synonyms = parse_synonyms("# comment\n上班 工作时间 到岗\n开除 解除+劳动合同\n\n孤词\n")
    assert synonyms == {"上班": ("工作时间", "到岗"), "开除": ("解除+劳动合同",)}


def test_a_word_listed_twice_keeps_every_alternative_once() -> None:
    assert parse_synonyms("上班 工作时间\n上班 到岗 工作时间 # again\n") == {"上班": ("工作时间", "到岗")}


def test_the_package_list_maps_staff_words_to_the_handbook_s() -> None:
    synonyms = read_synonyms()
    assert synonyms["上班"][0] == "工作时间"
    assert "会议" in synonyms["开会"]
