from douane.types import Finding, FindingType, Level

__all__ = ["FindingMaker"]

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
