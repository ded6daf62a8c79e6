"""Compile the detection hot path with mypyc, and its C modules; the rest is in pyproject.toml.

The modules to compile are listed under `[tool.douane.compile]` in pyproject.toml. Set
DOUANE_PURE_PYTHON=1 at install time to skip compiling (the pure modules behave identically).
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def _ext_modules() -> list[object]:
    # An editable install builds in place: compiled modules of an earlier one would shadow
    # sources that have changed since, or that are no longer compiled. (Only then: a wheel built
    # from this tree must leave the editable install's modules alone.)
    if "editable_wheel" in sys.argv:
        for stale in (ROOT / "src").rglob("*.so"):
            stale.unlink()
    if os.environ.get("DOUANE_PURE_PYTHON"):
        return []
    from mypyc.build import mypycify

    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["douane"]["compile"]
    paths = [_source(module, ".py") for module in settings["modules"]]
    # Only the listed modules are analysed: the rest of Douane and its dependencies read as Any
    # (`make lint` type-checks them with mypy --strict). That keeps the build at seconds, and
    # compiled code never trusts a dependency's stub at run time (phonenumbers' stubs say `str`
    # where the library returns None; compiled, that raises TypeError).
    config = ROOT / "build" / "mypyc.ini"
    config.parent.mkdir(exist_ok=True)
    config.write_text(_MYPY_CONFIG)
    flags = ["--config-file", str(config)]
    compiled = list(mypycify(flags + paths, opt_level=str(settings["opt_level"])))
    # No fused multiply-add: a C sum must round like the Python one it replaces (_entropy).
    c_modules = [
        Extension(
            f"douane.{module}",
            [_source(module, ".c")],
            depends=_HEADERS,
            libraries=["m"],
            extra_compile_args=["-O3", "-ffp-contract=off"],
        )
        for module in settings["c_modules"]
    ]
    return compiled + c_modules + _re2_modules(settings["re2_modules"])


def _re2_modules(modules: list[str]) -> list[Extension]:
    """The C++ modules linked against RE2; only where its headers are installed (Debian's
    libre2-dev, which `make install` adds): without them the pure fallbacks run."""
    if not any(Path(d, "re2", "re2.h").is_file() for d in _INCLUDE_DIRS):
        print("RE2's headers are not installed: the rules stay on google-re2", file=sys.stderr)
        return []
    return [
        Extension(
            f"douane.{module}",
            [_source(module, ".cpp")],
            depends=_HEADERS,
            language="c++",
            libraries=["re2"],
            extra_compile_args=["-O3", "-std=c++17"],
        )
        for module in modules
    ]


_INCLUDE_DIRS = ("/usr/include", "/usr/local/include")
# The headers the native modules share (the import step, the string table): a change rebuilds them.
_HEADERS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "src/douane/detect").glob("*.h"))


def _source(module: str, suffix: str) -> str:
    """The source file of a module listed in pyproject.toml ("detect.rules")."""
    return f"src/douane/{module.replace('.', '/')}{suffix}"


# The standard library's stubs stay (dataclasses, NamedTuple need them); the stubs that
# dependencies ship are skipped too.
_MYPY_CONFIG = """[mypy]
follow_imports = skip
ignore_missing_imports = True
warn_return_any = False

[mypy-phonenumbers.*,stdnum.*,ahocorasick.*,re2.*,wordfreq.*,numpy.*]
follow_imports_for_stubs = True
"""


class _OptionalBuildExt(build_ext):
    """Without a working C compiler, install the pure modules: slower, and finding the same.

    A C++ module that fails (RE2's headers of another release) is left out alone.
    """

    def initialize_options(self) -> None:
        super().initialize_options()
        self._failed: set[str] = set()  # the paths of the C++ modules left out

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            if ext.language != "c++":
                raise
            path = self.get_ext_fullpath(ext.name)
            Path(path).unlink(missing_ok=True)
            self._failed.add(path)
            self.warn(f"compiling {ext.name} failed ({exc}); its pure fallback runs")

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # CCompilerError, DistutilsExecError, a missing compiler
            for ext in self.extensions:  # a shim without its shared library would not import
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
            self.extensions = []
            self.warn(f"compiling the detection modules failed ({exc}); they stay pure Python")

    def get_outputs(self) -> list[str]:
        if not self.extensions:
            return []
        return [path for path in super().get_outputs() if path not in self._failed]


setup(ext_modules=_ext_modules(), cmdclass={"build_ext": _OptionalBuildExt})
