from collections.abc import Callable

from douane.types import Finding, FindingType, Level

__all__ = ["FindingMaker", "SpanSweep"]

class FindingMaker:
    def __init__(
        self,
        cls: type[Finding],
        fields: tuple[str, ...],
        type: FindingType,
        level: Level,
        detector: str,
        label: str,
    ) -> None: ...
    def __call__(self, start: int, end: int, score: float, /) -> Finding: ...

class SpanSweep:
    def __init__(
        self,
        cls: type[Finding],
        greedy: Callable[[list[Finding]], list[Finding]],
        fields: tuple[str, ...],
        priorities: dict[FindingType, int] | None = None,
        strong: float = 0.0,
    ) -> None: ...
    def __call__(self, findings: list[Finding], segment: int = 0, /) -> list[Finding] | None: ...
    def in_bounds(self, findings: object, size: int, /) -> bool: ...
