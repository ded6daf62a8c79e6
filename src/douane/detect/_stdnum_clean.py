"""python-stdnum's `util.clean` without its per-character passes, for values already compact.

Every stdnum validator starts with `compact()`, which calls `clean(number, separators)`: three
generator passes in interpreted Python (copy, map Unicode look-alikes, drop separators), and a
country module's `validate` often compacts twice (`fr.tva` through `fr.siren`). The validators
hand stdnum values of ASCII letters and digits only (`validators._compact`), for which `clean`
returns its argument: no ASCII letter or digit is a look-alike it maps, and no module deletes
one. `fast_clean` answers those at once and passes anything else to stdnum's own `clean`;
tests/detect/test_stdnum_clean.py holds the two to one result.

`use_fast_clean` rebinds `clean` in `stdnum.util` and in every stdnum module loaded so far
(each imported it by name); the modules that `eu.vat` and `iban` load on demand later import
the fast one. Nothing else in stdnum changes, and no caller of `clean` sees another result.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable

from stdnum import util

__all__ = ["fast_clean", "use_fast_clean"]

_stdnum_clean: Callable[..., str] = util.clean
# deletechars → whether it holds no ASCII letter or digit (call sites pass a few literals)
_SAFE_DELETE: dict[str, bool] = {}


def fast_clean(number: object, deletechars: str = "") -> str:
    """`stdnum.util.clean(number, deletechars)`, at once for a str of ASCII letters and digits."""
    if type(number) is str and number.isascii() and number.isalnum():
        safe = _SAFE_DELETE.get(deletechars)
        if safe is None:
            safe = not any(c.isascii() and c.isalnum() for c in deletechars)
            _SAFE_DELETE[deletechars] = safe
        if safe:
            return number
    return _stdnum_clean(number, deletechars)


def use_fast_clean() -> int:
    """Rebind `clean` to `fast_clean` in `stdnum.util` and every loaded stdnum module that
    imported it; returns how many modules changed."""
    return _rebind([m for name, m in list(sys.modules.items()) if name.startswith("stdnum.")])


def _rebind(modules: Iterable[object]) -> int:
    count = 0
    for module in modules:
        if getattr(module, "clean", None) is _stdnum_clean:
            module.clean = fast_clean  # type: ignore[attr-defined]
            count += 1
    return count
