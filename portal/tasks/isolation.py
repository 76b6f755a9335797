"""Running one piece of long work in a child process with a memory cap and a time limit.

A hostile or broken upload must fail its job, not the consumer that runs every
job (finding 4 of the trust review: a .docx bomb pushed a worker to 6 GB until the
kernel killed it).  The child is started fresh (``spawn``: the consumer has threads,
and a forked copy of a threaded process can hang), caps its own address space with
``RLIMIT_AS`` (soft limit only, so LibreOffice, started below it, can still set its
own), and sends back the function's result or its error.  The parent waits at most
``seconds`` and kills the child after that.
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from domain.errors import HandbookError

log = logging.getLogger(__name__)

T = TypeVar("T")
MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    memory_bytes: int
    seconds: float


class LimitExceeded(HandbookError):
    """The work needed more memory or time than it may have; the message says which, in Chinese."""


def run_limited(limits: Limits, function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in a child process under ``limits``; its errors are raised here.

    ``function`` and its arguments must be picklable (a module-level function).
    """
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, limits.memory_bytes, function, args), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(limits.seconds):
            raise LimitExceeded(f"{function.__name__} ran past {limits.seconds:.0f} s",
                                f"处理时间超过上限（{limits.seconds:.0f} 秒），已停止。请检查文件是否过大或已损坏。")
        try:
            kind, value = receive.recv()
        except EOFError:  # the child died without a word: killed (out of memory on the machine) or crashed
            child.join(5)
            raise LimitExceeded(f"{function.__name__} died with exit code {child.exitcode}",
                                "处理过程意外中止（可能内存不足），已停止。请检查文件是否过大或已损坏。") from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if kind == "error":
        raise _rebuilt(*value)
    if kind == "memory":
        raise LimitExceeded(f"{function.__name__} needed more than {limits.memory_bytes // MIB} MiB",
                            f"处理所需内存超过上限（{limits.memory_bytes // MIB} MiB），已停止。请检查文件是否过大或已损坏。")
    result: T = value
    return result


def _rebuilt(kind: type[HandbookError], message: str, user_message: str) -> HandbookError:
    """The child's error as the parent raises it (exceptions pickle only their first argument)."""
    error = kind.__new__(kind)
    Exception.__init__(error, message)
    error.user_message = user_message
    return error


def _child(send: Connection, memory_bytes: int, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard), hard))
    try:
        send.send(("value", function(*args)))
    except MemoryError:
        send.send(("memory", None))
    except HandbookError as error:
        send.send(("error", (type(error), str(error), error.user_message)))
    except Exception as error:  # a bug: logged in English with its traceback, shown to users as a failure
        log.exception("isolated %s failed", getattr(function, "__name__", function))
        send.send(("error", (HandbookError, f"{type(error).__name__}: {error}", "处理失败，请联系管理员查看日志。")))
    finally:
        send.close()
