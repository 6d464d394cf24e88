"""The one way Crucible starts another program: a time limit, a clean environment, bounded output."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

__all__ = ["ToolResult", "clean_environment", "run_tool", "tool_home"]

OUTPUT_LIMIT: Final = 2 * 1024 * 1024  # bytes kept of each stream; the tail is what matters


@dataclass(frozen=True)
class ToolResult:
    argv: tuple[str, ...]
    returncode: int | None  # None when killed for the time limit
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool

    def excerpt(self, limit: int = 2000) -> str:
        """The end of the tool's own output, for evidence."""
        text = (self.stdout + ("\n" if self.stdout and self.stderr else "") + self.stderr).strip()
        return text if len(text) <= limit else "…" + text[-limit:]


def tool_home() -> Path:
    """A private HOME for tools (semgrep and mypy keep settings and caches there)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "crucible" / "tool-home"
    base.mkdir(parents=True, exist_ok=True)
    return base


def clean_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """No inherited secrets: only what tools need to run, offline and without colour."""
    bindir = str(Path(sys.executable).parent)
    env = {
        "PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(tool_home()),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "NO_COLOR": "1",
        "SEMGREP_ENABLE_VERSION_CHECK": "0",
        "SEMGREP_SEND_METRICS": "off",
    }
    env.update(extra or {})
    return env


def run_tool(
    argv: Sequence[str],
    *,
    cwd: Path,
    timeout: float,
    env: Mapping[str, str] | None = None,
    preexec: Callable[[], None] | None = None,
    pass_fds: Sequence[int] = (),
    on_start: Callable[[], None] | None = None,
) -> ToolResult:
    """Run `argv` to completion or to `timeout` seconds, whichever is first; never raises for
    the tool's own failures (a missing executable does raise FileNotFoundError). `pass_fds` are
    inherited by the tool; `on_start` runs once it is running (to close the parent's copies)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            process = subprocess.Popen(
                list(argv), cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                env=dict(env) if env is not None else clean_environment(),
                start_new_session=True, preexec_fn=preexec, pass_fds=tuple(pass_fds),
            )
        finally:
            if on_start is not None:
                on_start()
        timed_out = False
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        _kill_group(process.pid)
        process.wait()
        return ToolResult(
            tuple(argv), None if timed_out else process.returncode,
            _tail(out), _tail(err), time.perf_counter() - started, timed_out,
        )


def _kill_group(pid: int) -> None:
    """Whatever the tool left behind in its session goes too."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _tail(handle: IO[bytes]) -> str:
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - OUTPUT_LIMIT))
    data: bytes = handle.read()
    return data.decode("utf-8", errors="replace")
