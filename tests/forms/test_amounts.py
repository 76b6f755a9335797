"""Amounts in Chinese capitals (人民币大写): the bank rules, and a round trip through the reader."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import ValidationFailed
from forms.amounts import MAX_AMOUNT, amount_from_words, amount_in_words

# Examples from the People's Bank rules for filling in bills and from real contracts.
KNOWN = [
    ("1234567.80", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角整"),
    ("0", "零元整"),
    ("0.85", "捌角伍分"),
    ("0.05", "伍分"),
    ("1.05", "壹元零伍分"),
    ("10", "壹拾元整"),
    ("16", "壹拾陆元整"),
    ("105000", "壹拾万伍仟元整"),
    ("100010", "壹拾万零壹拾元整"),
    ("1001", "壹仟零壹元整"),
    ("100000001", "壹亿零壹元整"),
    ("10000500", "壹仟万零伍佰元整"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("1234176.00", "壹佰贰拾叁万肆仟壹佰柒拾陆元整"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
]

amounts = st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False)
# The machine is shared: no per-example deadline (the functions take microseconds), more examples.
property_test = settings(deadline=None, max_examples=300)


@pytest.mark.parametrize(("amount", "words"), KNOWN)
def test_known_amounts_are_written_as_the_bank_rules_say(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize(("amount", "words"), KNOWN)
def test_known_words_read_back_to_their_amount(amount: str, words: str) -> None:
    assert amount_from_words(words) == Decimal(amount)


def test_words_with_prefix_and_zheng_variant_are_read() -> None:
    assert amount_from_words("人民币壹佰元正") == Decimal(100)


@property_test
@given(amounts)
def test_every_amount_round_trips_through_the_reader(amount: Decimal) -> None:
    assert amount_from_words(amount_in_words(amount)) == amount


@property_test
@given(amounts)
def test_zero_is_never_doubled_and_never_ends_a_group(amount: Decimal) -> None:
    words = amount_in_words(amount)
    assert "零零" not in words
    for unit in ("零元", "零万", "零亿", "零角", "零整"):
        assert unit not in words or words == "零元整"


@property_test
@given(amounts)
def test_zheng_ends_exactly_the_amounts_without_fen(amount: Decimal) -> None:
    words = amount_in_words(amount)
    assert words.endswith("整") == (amount * 100 % 10 == 0)
    assert words.endswith(("整", "分"))


@property_test
@given(amounts.filter(lambda a: a >= 10))
def test_tens_are_written_with_yi_shi(amount: Decimal) -> None:
    words = amount_in_words(amount)
    assert not words.startswith("拾")


@pytest.mark.parametrize("amount", ["-0.01", "-100"])
def test_negative_amounts_are_rejected(amount: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        amount_in_words(Decimal(amount))
    assert "负数" in caught.value.user_message


@pytest.mark.parametrize("amount", ["0.001", "NaN", "Infinity", "1000000000000"])
def test_fractions_of_a_fen_and_absurd_amounts_are_rejected(amount: str) -> None:
    with pytest.raises(ValidationFailed):
        amount_in_words(Decimal(amount))
