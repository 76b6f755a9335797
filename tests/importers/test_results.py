"""Results with messages: a value plus what was dropped, changed or warned about on the way."""

from __future__ import annotations

from domain.model import Changed, Dropped
from importers.results import Result, Warned, combine, warned

DROPPED = Dropped("目录", "目录", "a:1")
CHANGED = Changed("a,b", "a，b", "标点", "a:2")


def test_messages_are_read_by_kind_in_the_order_they_were_noticed() -> None:
    result = Result("x", (Warned("一"), DROPPED, CHANGED, Warned("二")))
    assert result.dropped == (DROPPED,)
    assert result.changed == (CHANGED,)
    assert result.warnings == ("一", "二")


def test_map_changes_the_value_and_keeps_the_messages() -> None:
    assert Result(2, (DROPPED,)).map(lambda n: n * 3) == Result(6, (DROPPED,))


def test_then_puts_the_next_steps_messages_after_its_own() -> None:
    result = Result([1, 2], (DROPPED,)).then(lambda values: Result(sum(values), (CHANGED,)))
    assert result == Result(3, (DROPPED, CHANGED))


def test_with_messages_adds_after_the_existing_ones() -> None:
    assert Result(1, (DROPPED,)).with_messages(Warned("注意")) == Result(1, (DROPPED, Warned("注意")))


def test_combine_keeps_the_values_and_joins_the_messages_result_after_result() -> None:
    combined = combine([Result("a", (CHANGED,)), Result("b"), Result("c", (DROPPED,))])
    assert combined == Result(["a", "b", "c"], (CHANGED, DROPPED))
    assert combine([]) == Result([])


def test_warning_texts_become_messages() -> None:
    assert warned(["一", "二"]) == (Warned("一"), Warned("二"))
