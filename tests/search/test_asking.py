from __future__ import annotations

import pytest

from search.analysis import Segmenter
from search.asking import PERMISSION, PERSON, PROCEDURE, QUANTITY, TIME, analyse
from search.backoff import Vocabulary
from search.engine import WhooshSearchEngine
from search.query import parse_query


@pytest.mark.parametrize(
    ("text", "rest", "asks"),
    [
        ("财务人员归哪个部门管", "财务人员", (PERSON,)),
        ("年度目标什么时候定", "年度目标 定", (TIME,)),
        ("迟到几次扣钱", "迟到 扣钱", (QUANTITY,)),
        ("开会迟到怎么办", "开会迟到", (PROCEDURE,)),
        ("上班可以穿拖鞋吗？", "上班 穿拖鞋", (PERMISSION,)),
        ("周末要上班吗", "周末要上班", (PERMISSION,)),
    ],
)
def test_question_forms_are_stripped_into_what_they_ask(text: str, rest: str, asks: tuple[str, ...]) -> None:
    asking = analyse(text)
    assert (asking.text, asking.asks) == (rest, asks)


@pytest.mark.parametrize("text", ["会议纪要 签署", "市场部主要职能", '"销售合同"', "文档:会议 效果", "谁"])
def test_keywords_phrases_filters_and_bare_forms_are_not_questions(text: str) -> None:
    asking = analyse(text)
    assert not asking.is_question
    assert asking.text == text


def test_single_character_question_words_are_recognised_as_words_only(segmenter: Segmenter) -> None:
    assert parse_query("办公室能抽烟吗", segmenter).asks == (PERMISSION,)
    parsed = parse_query("市场部主要职能", segmenter)
    assert parsed.asks == ()
    assert "职能" in [w.text for w in parsed.words]


def test_a_missing_word_backs_off_to_the_vocabulary_one_character_away() -> None:
    frequency = {"吸烟": 3, "抽屉": 1, "样板间": 2, "会议": 9}
    vocabulary = Vocabulary(frequency, frequency.__getitem__)
    assert vocabulary.near("抽烟") == ("吸烟", "抽屉")
    assert vocabulary.near("样板房") == ("样板间",)
    assert vocabulary.near("会议") == ()  # present: never backed off


def test_a_question_finds_the_clause_in_other_words(real_engine: WhooshSearchEngine) -> None:
    keys = [h.key for h in real_engine.search("办公室能抽烟吗", limit=5, highlight=False).hits]
    assert "营销中心现场管理规章制度#第八条" in keys  # 禁止吸烟: 抽烟 is not in the handbook
    keys = [h.key for h in real_engine.search("财务人员归哪个部门管", limit=5, highlight=False).hits]
    assert "营销管理手册#第一章-3" in keys
