"""The CODENAME detector: dictionary terms from a CSV, reloaded in the background on change."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine

from douane.config import Config
from douane.detect._codenames import CodenameDictionary, load_dictionary
from douane.detect.base import Detector
from douane.errors import DouaneError
from douane.types import Finding

__all__ = ["CodenameDetector", "codename_detectors", "codenames_path"]

log = logging.getLogger(__name__)


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class CodenameDetector:
    """Finds dictionary terms; the dictionary is an immutable object swapped whole on reload.

    The request path only reads `self._dictionary` (one atomic attribute read); reloading happens
    on a background thread started by `start_watching`, never on the request path.
    """

    name = "codename"

    def __init__(self, path: Path, dictionary: CodenameDictionary | None = None) -> None:
        self.path = path
        self._signature = _signature(path)
        self._dictionary = dictionary if dictionary is not None else load_dictionary(path)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def size(self) -> int:
        """Number of terms in the dictionary now in use."""
        return self._dictionary.size

    def scan(self, text: str) -> list[Finding]:
        """CODENAME findings with the term's level and its category as label."""
        return self._dictionary.find(text, self.name)

    def reload_if_changed(self) -> bool:
        """Reload when the file's mtime or size changed; a broken file keeps the old dictionary.

        Returns True when a new dictionary was swapped in.
        """
        sig = _signature(self.path)
        if sig is None or sig == self._signature:
            return False
        self._signature = sig
        try:
            new = load_dictionary(self.path)
        except DouaneError as exc:
            log.error("codename reload failed, keeping the previous dictionary: %s", exc.message)
            return False
        self._dictionary = new
        log.info("codename dictionary reloaded: %d terms", new.size)
        return True

    def start_watching(self, interval: float) -> None:
        """Check the file every `interval` seconds on a daemon thread until `close`."""
        if self._thread is not None or interval <= 0:
            return
        ref = weakref.ref(self)
        stop = self._stop

        def run() -> None:
            while not stop.wait(interval):
                detector = ref()
                if detector is None:
                    return
                detector.reload_if_changed()
                del detector

        self._thread = threading.Thread(target=run, name="douane-codename-watch", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the watcher thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


def codenames_path(config: Config) -> Path | None:
    """The codename CSV path; a relative path is relative to the config file's directory."""
    if not config.codenames:
        return None
    path = Path(config.codenames).expanduser()
    if not path.is_absolute():
        source = Path(config.source)
        base = source.parent if source.is_file() else Path.cwd()
        path = base / path
    return path


def codename_detectors(config: Config, engine: Engine | None = None) -> Sequence[Detector]:
    """The CODENAME detector if `codenames:` is set; raises ConfigError if the file is invalid."""
    path = codenames_path(config)
    if path is None:
        return []
    detector = CodenameDetector(path)
    detector.start_watching(config.protect.codenames_reload_seconds)
    return [detector]
