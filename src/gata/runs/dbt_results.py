"""What a dbt invocation did, node by node: the shape the runner returns and run recording stores."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class NodeResult:
    unique_id: str
    resource_type: str
    status: str
    execution_time: float
    message: str | None
    failures: int | None
    rows_affected: int | None


@dataclass
class DbtResult:
    command: list[str]
    success: bool
    nodes: list[NodeResult] = field(default_factory=list)
    error: str | None = None

    def failed(self) -> list[NodeResult]:
        return [n for n in self.nodes if n.status in ("error", "fail", "runtime error")]

    def count(self, resource_type: str, status: str | None = None) -> int:
        return sum(1 for n in self.nodes if n.resource_type == resource_type and (status is None or n.status == status))

    def summary(self) -> str:
        if self.error:
            return self.error
        bad = self.failed()
        if not bad:
            return f"{len(self.nodes)} nodes ok"
        return "; ".join(f"{n.unique_id}: {n.status}: {(n.message or '').strip()[:300]}" for n in bad[:10])
