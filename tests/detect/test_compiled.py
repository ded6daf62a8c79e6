"""The compiled detection modules (mypyc, setup.py) against their pure sources.

`make test` measures coverage on the sources (DOUANE_PURE_PYTHON=1), so these tests prove that
what ships is compiled and finds exactly what the sources find, on every corpus at hand.
"""

from __future__ import annotations

import json
import tomllib
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest
from tests.corpora import EVAL, corpus_texts
from tests.harness import douane, python

ROOT = Path(__file__).resolve().parents[2]
_COMPILE = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["douane"]["compile"]
MYPYC = [f"douane.{name}" for name in _COMPILE["modules"]]
C_MODULES = [f"douane.{name}" for name in _COMPILE["c_modules"]]
CPP_MODULES = [f"douane.{name}" for name in _COMPILE["re2_modules"]]
MODULES = MYPYC + C_MODULES + CPP_MODULES
# Inputs the corpora lack: astral characters (offsets in code points), lone surrogates, long
# runs without a space, every kind of name cue in one line.
EXTRA = [
    "Sehr geehrte Frau Müller 😀, IBAN DE89 3704 0044 0532 0130 00, Tel. +49 30 1234567",
    "password=\ud800\udfff-not-paired x" + "aB3xK9" * 5000,
    "M. Jean-Pierre DUPONT, Hartmann & Söhne KG, cc: Anna Schmidt <a.schmidt@example.de>",
    '{"a":' * 2000 + '"AKIAIOSFODNN7EXAMPLE"' + "}" * 2000,
]


_FILES = (
    "import importlib, json, sys; "
    "print(json.dumps({m: importlib.import_module(m).__file__ for m in sys.argv[1:]}))"
)


def _files(pure: bool, cwd: Path) -> dict[str, Path]:
    """Where each listed module was loaded from."""
    loaded = json.loads(python("-c", _FILES, *MODULES, pure=pure, cwd=cwd).stdout)
    return {module: Path(file) for module, file in loaded.items()}


def test_the_listed_modules_load_compiled(tmp_path: Path) -> None:
    files = _files(pure=False, cwd=tmp_path)
    plain = [m for m, f in files.items() if not f.name.endswith(tuple(EXTENSION_SUFFIXES))]
    assert not plain, f"not compiled (installed with DOUANE_PURE_PYTHON=1?): {plain}"


def test_compiled_modules_are_not_older_than_their_sources(tmp_path: Path) -> None:
    stale = [
        m
        for m, f in _files(pure=False, cwd=tmp_path).items()
        if f.stat().st_mtime < _source(m, f).stat().st_mtime
    ]
    assert not stale, f"compiled before their sources changed; run `make install`: {stale}"


def _source(module: str, compiled: Path) -> Path:
    suffix = ".c" if module in C_MODULES else ".cpp" if module in CPP_MODULES else ".py"
    return compiled.parent / (module.rpartition(".")[2] + suffix)


def test_the_pure_switch_loads_every_source(tmp_path: Path) -> None:
    files = _files(pure=True, cwd=tmp_path)
    assert all(files[m].suffix == ".py" for m in MYPYC)


@pytest.mark.parametrize(("pure", "finder"), [(False, "RunFinder"), (True, "regex_runs")])
def test_runs_come_from_the_c_scanner_unless_pure(pure: bool, finder: str, tmp_path: Path) -> None:
    code = "from douane.detect._runs import find_runs; print(find_runs)"
    assert finder in python("-c", code, pure=pure, cwd=tmp_path).stdout


@pytest.mark.parametrize(
    ("pure", "function"), [(False, "built-in function shannon_entropy"), (True, "entropy_bits")]
)
def test_entropy_is_counted_in_c_unless_pure(pure: bool, function: str, tmp_path: Path) -> None:
    code = "from douane.detect import validators; print(validators._entropy_bits)"
    assert function in python("-c", code, pure=pure, cwd=tmp_path).stdout


@pytest.mark.parametrize(("pure", "matcher"), [(False, "_rulescan"), (True, "PythonMatcher")])
def test_rules_run_on_the_re2_extension_unless_pure(
    pure: bool, matcher: str, tmp_path: Path
) -> None:
    code = (
        "from douane.config import load_config; from douane.detect import build_scanner; "
        "print(type(build_scanner(load_config()).detectors[0]._matcher))"
    )
    assert matcher in python("-c", code, pure=pure, cwd=tmp_path).stdout


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config with every detector on (codenames, protected documents) and one input file of
    every corpus text and the extra inputs."""
    work = tmp_path_factory.mktemp("compiled")
    (work / "douane.yaml").write_text(
        f"database: sqlite:///{work}/douane.db\ncodenames: {EVAL}/terms.csv\n"
    )
    douane("protect", "add", str(EVAL / "protected"), cwd=work, pure=True)
    texts = corpus_texts()
    with (work / "texts.jsonl").open("w") as fh:
        for i, text in enumerate(texts + EXTRA):
            fh.write(json.dumps({"id": i, "text": text}) + "\n")
    return work


def test_compiled_and_pure_find_the_same_spans(workdir: Path) -> None:
    scan = ("scan", "--format", "jsonl", "texts.jsonl")
    compiled = douane(*scan, cwd=workdir, pure=False).stdout
    pure = douane(*scan, cwd=workdir, pure=True).stdout
    findings = [f for line in compiled.splitlines() for f in json.loads(line)["findings"]]
    assert len(findings) > 2000  # the corpora hold thousands of items: the scan really ran
    assert {f["type"] for f in findings} >= {
        "PERSON",
        "EMAIL",
        "PHONE",
        "IBAN",
        "SECRET",
        "CODENAME",
        "PROTECTED_EXCERPT",
    }
    assert compiled == pure
