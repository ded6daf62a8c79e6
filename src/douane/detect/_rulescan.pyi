from collections.abc import Sequence

__all__ = ["RuleMatcher"]

class RuleMatcher:
    def __init__(
        self, rules: Sequence[tuple[str, int, int, str]], rule_max_mem: int, set_max_mem: int
    ) -> None: ...
    def hits(self, data: bytes, start: int = 0, end: int = -1) -> list[int]: ...
    def find(self, index: int, data: bytes, windows: Sequence[tuple[int, int]]) -> list[int]: ...
