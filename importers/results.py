"""Results with messages (mammoth's pattern): a value plus everything noticed on the way.

Messy company documents must give a result *and* an honest report, so no
step raises on imperfect input: it returns a :class:`Result` whose
messages say what it dropped (:class:`~domain.model.Dropped`), changed
(:class:`~domain.model.Changed`) or warns about (:class:`Warned`).  Steps
chain with :meth:`Result.map` and :meth:`Result.then`, and :func:`combine`
joins several results, their messages in order, so that nobody flattens
message lists by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.model import Changed, Dropped

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Warned:
    """A warning for the import report (Chinese, for HR)."""

    text: str


Message = Dropped | Changed | Warned


@dataclass(frozen=True)
class Result(Generic[T]):
    """A value plus the messages of the steps that made it, in the order they were noticed."""

    value: T
    messages: tuple[Message, ...] = ()

    @property
    def dropped(self) -> tuple[Dropped, ...]:
        return dropped_in(self.messages)

    @property
    def changed(self) -> tuple[Changed, ...]:
        return changed_in(self.messages)

    @property
    def warnings(self) -> tuple[str, ...]:
        return warnings_in(self.messages)

    def map(self, function: Callable[[T], U]) -> Result[U]:
        """The same messages around ``function(value)``."""
        return Result(function(self.value), self.messages)

    def then(self, step: Callable[[T], Result[U]]) -> Result[U]:
        """The next step's result, after this result's messages."""
        following = step(self.value)
        return Result(following.value, (*self.messages, *following.messages))

    def with_messages(self, *messages: Message) -> Result[T]:
        """The same value, ``messages`` noticed after the ones it has."""
        return Result(self.value, (*self.messages, *messages))


def combine(results: Iterable[Result[T]]) -> Result[list[T]]:
    """The values in order, and every result's messages one result after the other."""
    values: list[T] = []
    messages: list[Message] = []
    for result in results:
        values.append(result.value)
        messages.extend(result.messages)
    return Result(values, tuple(messages))


def dropped_in(messages: Iterable[Message]) -> tuple[Dropped, ...]:
    """The dropped text among ``messages``, in order."""
    return tuple(m for m in messages if isinstance(m, Dropped))


def changed_in(messages: Iterable[Message]) -> tuple[Changed, ...]:
    """The changed text among ``messages``, in order."""
    return tuple(m for m in messages if isinstance(m, Changed))


def warnings_in(messages: Iterable[Message]) -> tuple[str, ...]:
    """The warning texts among ``messages``, in order."""
    return tuple(m.text for m in messages if isinstance(m, Warned))


def warned(texts: Iterable[str]) -> tuple[Warned, ...]:
    """Warning texts as messages."""
    return tuple(Warned(text) for text in texts)
