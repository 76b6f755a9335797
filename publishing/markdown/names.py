"""Names every page shares: file names, the handbook title, the labels of document kinds."""

from __future__ import annotations

from domain import urls

INDEX_PAGE = "index.md"
ORG_CHART_FILE = urls.ORG_CHART_PAGE.rstrip("/") + ".md"  # org-chart/ → org-chart.md
HANDBOOK_TITLE = "管理制度手册"

KIND_LABELS: dict[str, str] = {
    "regulation": "制度",
    "handbook": "手册",
    "job-descriptions": "岗位说明书",
    "mixed": "综合",
}
