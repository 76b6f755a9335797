"""Task kinds for the queue's tests, imported by the test process and by consumer children
(``TASK_MODULES=tests.portal.tasks.sample_kinds``)."""

from __future__ import annotations

import time
from pathlib import Path

from domain.errors import ImportFailed
from portal.tasks.registry import TaskContext, registry

MODULE = __name__
TOO_LARGE = "文件过大（超过 20 MB），无法导入。"


@registry.kind("sample.steps")
def steps(context: TaskContext) -> str:
    """``steps`` steps with progress; with ``gate`` (a path), waits half-way until that file exists."""
    count = int(context.payload["steps"])
    gate = context.payload.get("gate")
    for step in range(count):
        if gate and step == count // 2:
            context.progress(50, "等待放行")
            while not Path(gate).exists():
                time.sleep(0.05)
        context.progress(int((step + 1) * 100 / count), f"第 {step + 1} 步")
        time.sleep(float(context.payload.get("pause", 0.0)))
    return f"完成 {count} 步（第 {context.attempt} 次执行）"


@registry.kind("sample.refuse")
def refuse(context: TaskContext) -> str:
    raise ImportFailed("source file too large", TOO_LARGE)


@registry.kind("sample.crash")
def crash(context: TaskContext) -> str:
    raise RuntimeError("the sample task crashed on purpose")
