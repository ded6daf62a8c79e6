"""Real server processes on 127.0.0.1 for end-to-end tests: the demo upstream and `douane serve`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

__all__ = ["Gateway", "Process", "create_key", "free_port", "start_gateway", "start_upstream"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Process:
    """A child process serving HTTP on 127.0.0.1:port, with its stderr kept in a file."""

    popen: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)


def child_env(pure: bool | None = None) -> dict[str, str]:
    """This process's environment without the variables that would redirect a child's config;
    `pure` True or False forces the source or the compiled modules (None: as this process)."""
    env = dict(os.environ)
    env.pop("DOUANE_CONFIG", None)
    env.pop("DOUANE_SECRET_KEY", None)
    env.pop("DOUANE_DATABASE", None)
    if pure is not None:
        env.pop("DOUANE_PURE_PYTHON", None)
        if pure:
            env["DOUANE_PURE_PYTHON"] = "1"
    return env


def python(
    *args: str, cwd: Path, check: bool = True, pure: bool | None = None
) -> subprocess.CompletedProcess[str]:
    """Run this Python with `args` in a child process, its output captured."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=child_env(pure),
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
    )


def douane(
    *args: str, cwd: Path, check: bool = True, pure: bool | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would, in a child process."""
    return python("-m", "douane", *args, cwd=cwd, check=check, pure=pure)


def _spawn(args: list[str], cwd: Path, name: str, port: int, ready_path: str) -> Process:
    log = cwd / f"{name}.log"
    popen = subprocess.Popen(
        [sys.executable, "-m", "douane", *args],
        cwd=cwd,
        env=child_env(),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    process = Process(popen, port, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise RuntimeError(f"{name} exited early:\n{log.read_text()}")
        try:
            if httpx.get(process.url + ready_path, timeout=1).status_code < 500:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.stop()
    raise RuntimeError(f"{name} did not start:\n{log.read_text()}")


def start_upstream(workdir: Path) -> Process:
    port = free_port()
    return _spawn(
        ["demo-upstream", "--port", str(port)], workdir, "upstream", port, "/_demo/requests"
    )


@dataclass
class Gateway:
    process: Process
    config: Path
    workdir: Path
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.process.url


def create_key(workdir: Path, config: Path, team: str = "default", name: str = "test") -> str:
    result = douane(
        "keys", "create", "--config", str(config), "--name", name, "--team", team, cwd=workdir
    )
    return result.stdout.strip().splitlines()[-1]


def start_gateway(workdir: Path, config_text: str, port: int | None = None) -> Gateway:
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "douane.yaml"
    config.write_text(config_text)
    port = port or free_port()
    process = _spawn(
        ["serve", "--config", str(config), "--port", str(port)],
        workdir,
        "gateway",
        port,
        "/healthz",
    )
    return Gateway(process, config, workdir)
