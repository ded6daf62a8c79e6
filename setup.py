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
    return compiled + [
        Extension(f"douane.{module}", [_source(module, ".c")], extra_compile_args=["-O3"])
        for module in settings["c_modules"]
    ]


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
    """Without a working C compiler, install the pure modules: slower, and finding the same."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # CCompilerError, DistutilsExecError, a missing compiler
            for ext in self.extensions:  # a shim without its shared library would not import
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
            self.extensions = []
            self.warn(f"compiling the detection modules failed ({exc}); they stay pure Python")

    def get_outputs(self) -> list[str]:
        return super().get_outputs() if self.extensions else []


setup(ext_modules=_ext_modules(), cmdclass={"build_ext": _OptionalBuildExt})
