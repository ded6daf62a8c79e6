from collections.abc import Sequence

__all__ = ["Zipf"]

class Zipf:
    def __init__(
        self,
        tables: tuple[dict[str, float], ...],
        plain_letters: str,
        digit_freqs: Sequence[float],
        year_log_peak: float,
        not_year_prob: float,
        reference_year: int,
        plateau_width: int,
    ) -> None: ...
    def zipfs(self, word: str, /) -> tuple[float, float, float] | None: ...
