from collections.abc import Callable

__all__ = ["FactFinder"]

class FactFinder:
    def __init__(
        self,
        sets: tuple[frozenset[str], ...],
        kinds: tuple[str, ...],
        capitals: str,
        frequencies: Callable[[str], tuple[float, float]],
        thresholds: tuple[float, ...],
        zipfs: Callable[[str], tuple[float, ...] | None] | None = None,
    ) -> None: ...
    def facts(self, token: str, /) -> tuple[str, str, bool, int]: ...
    def readings(
        self, tokens: list[str], cache: dict[str, tuple[str, str, bool, int]], /
    ) -> (
        tuple[
            list[str],
            list[tuple[str, str, bool, int]],
            bool,
            bool,
            list[list[tuple[int, str, str]]],
        ]
        | None
    ): ...
