"""The one way variant code runs: bubblewrap namespaces, a read-only world, limits, a clean env.

Inside the sandbox the only writable place is the private copy it was given (plus an empty
/tmp, sized to the memory limit); the user's tree, home and secrets are not mounted at all; there
is no network (an empty network namespace); the process tree has its own PID namespace, dies with
Crucible and is gone when `run_sandboxed` returns; and CPU, memory, file size and process count
are limited. When Crucible runs as root the code inside is dropped to the `nobody` user with
no_new_privs, so the process limit counts only its processes.
"""

from __future__ import annotations

import functools
import os
import resource
import secrets
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from verifiers.base import Isolation
from verifiers.channel import Listener
from verifiers.toolrun import ToolResult, run_tool

__all__ = ["SandboxLimits", "SandboxResult", "SandboxUnavailable", "run_sandboxed", "sandbox_problem"]

SANDBOX_UID: Final = 65534  # nobody
# One string hash seed for every sandboxed process of this Crucible process: the original's and
# the variant's runs see the same set orders (their results stay comparable), and no code can
# recognise the sandbox by a seed known in advance (a fixed seed of 0 would be a fingerprint).
HASH_SEED: Final = str(secrets.randbelow(2**32 - 2) + 1)
SYSTEM_DIRS: Final = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ETC_FILES: Final = (
    "/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
    "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/hosts", "/etc/mime.types",
)
# Runs first inside the namespaces: lose root, forbid privilege gain, cap processes, then exec.
_LAUNCHER: Final = """
import ctypes, os, resource, sys
uid, nproc = int(sys.argv[1]), int(sys.argv[2])
ctypes.CDLL(None, use_errno=True).prctl(38, 1, 0, 0, 0)
if os.getuid() == 0 and uid:
    os.setgroups([]); os.setresgid(uid, uid, uid); os.setresuid(uid, uid, uid)
if nproc:
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
os.execvp(sys.argv[3], sys.argv[3:])
"""


class SandboxUnavailable(Exception):
    """The machine cannot provide the isolation the user asked for."""


@dataclass(frozen=True)
class SandboxLimits:
    wall_seconds: float
    cpu_seconds: int
    memory_bytes: int
    file_bytes: int
    processes: int


@dataclass(frozen=True)
class SandboxResult:
    tool: ToolResult
    isolation: str  # what actually isolated the run, for the verdict
    namespaced: bool = False  # ran under bubblewrap, which reports a signal as exit 128 + signal

    @property
    def killed_by(self) -> int | None:
        code = self.tool.returncode
        if code is not None and code < 0:
            return -code
        if self.namespaced and code is not None and 128 < code <= 128 + signal.SIGRTMAX:
            return code - 128
        return None


def sandbox_problem() -> str | None:
    """Why strict isolation is unavailable here, or None when bubblewrap works."""
    return _probe()


@functools.cache
def _probe() -> str | None:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed"
    with tempfile.TemporaryDirectory(prefix="crucible-probe-") as scratch:
        probe = run_tool(
            [bwrap, *_namespace_args(), *_mount_args(Path(scratch), (), 1024**2), "true"],
            cwd=Path("/"), timeout=20,
        )
    if probe.returncode != 0:
        return f"bubblewrap cannot create namespaces here: {probe.excerpt(300)}"
    return None


def run_sandboxed(
    argv: Sequence[str],
    *,
    workdir: Path,
    limits: SandboxLimits,
    isolation: Isolation,
    env: Mapping[str, str] | None = None,
    readonly: Sequence[Path] = (),
    channel: Listener | None = None,
) -> SandboxResult:
    """Run `argv` in `workdir` (the only writable place) under `limits`; with a `channel`, the
    process inherits its pipes (its reports come back on them, never through the copy).

    Raises SandboxUnavailable when namespaces are impossible and weak isolation was not allowed.
    """
    problem = sandbox_problem()
    if problem is not None and isolation is Isolation.STRICT:
        if channel is not None:
            channel.started()
        raise SandboxUnavailable(problem)
    environment = _environment(workdir, {**(env or {}), **(channel.env if channel is not None else {})})
    drop_root = os.geteuid() == 0 and problem is None
    if drop_root:
        _hand_over(workdir)
    nproc = limits.processes if drop_root else _own_process_count() + limits.processes
    launcher = [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(SANDBOX_UID if drop_root else 0), str(nproc)]
    if problem is None:
        bwrap = shutil.which("bwrap")
        assert bwrap is not None
        command = [
            bwrap, *_namespace_args(), *_mount_args(workdir, readonly, limits.memory_bytes), "--clearenv",
            *[arg for key, value in environment.items() for arg in ("--setenv", key, value)],
            "--chdir", str(workdir), *launcher, *argv,
        ]
        label = f"bubblewrap: pid/net/ipc/uts namespaces, read-only system, private copy writable, hash seed {HASH_SEED}"
        run_env: Mapping[str, str] = {"PATH": "/usr/bin:/bin"}
    else:
        command = [*launcher, *argv]
        label = f"WEAK (allowed by the user): resource limits and clean environment only; {problem}"
        run_env = environment
    result = run_tool(
        command, cwd=workdir, timeout=limits.wall_seconds, env=run_env,
        preexec=functools.partial(_apply_limits, limits),
        pass_fds=channel.child_fds if channel is not None else (),
        on_start=channel.started if channel is not None else None,
    )
    if problem is None:
        _await_teardown(workdir)
    return SandboxResult(result, label, namespaced=problem is None)


def _namespace_args() -> list[str]:
    user = [] if os.geteuid() == 0 else ["--unshare-user"]
    return [
        *user, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
        "--unshare-cgroup-try", "--die-with-parent", "--new-session",
    ]


def _mount_args(workdir: Path, readonly: Sequence[Path], tmp_bytes: int) -> list[str]:
    # /tmp is sticky and world-writable as usual, and sized: tmpfs pages escape RLIMIT_AS.
    args = ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(tmp_bytes), "--tmpfs", "/tmp"]
    made: set[str] = {"/", "/tmp", "/proc", "/dev"}
    for system in SYSTEM_DIRS:
        path = Path(system)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), system]
        elif path.is_dir():
            args += _bind(path, made, "--ro-bind")
    python = {Path(sys.prefix), Path(sys.base_prefix), *_crucible_packages()}
    for path in sorted({*python, *readonly, *(Path(p) for p in ETC_FILES)}):
        if path.exists() and not _covered(path, SYSTEM_DIRS) and path != workdir:
            args += _bind(path.resolve() if path.is_symlink() else path, made, "--ro-bind", at=path)
    args += _bind(workdir, made, "--bind")
    return args


def _await_teardown(workdir: Path, seconds: float = 10.0) -> None:
    """Wait until the sandbox's init has finished exiting: only then is its PID namespace empty.
    Bubblewrap returns as soon as the command exits or is killed, while what the command left
    behind (a daemon, a fork bomb) may still be running for a moment."""
    marker = f"\0--chdir\0{workdir}\0".encode()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_is_live_init(entry, marker) for entry in Path("/proc").iterdir()):
        time.sleep(0.01)


def _is_live_init(entry: Path, marker: bytes) -> bool:
    """Is this our sandbox's init, or a namespace init mid-exit (its argv already gone, so it
    cannot be told apart from ours), not yet a zombie?"""
    try:
        status = (entry / "status").read_text() if entry.name.isdigit() else ""
        cmdline = (entry / "cmdline").read_bytes() if status else b""
    except OSError:
        return False
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    nspid = fields.get("NSpid", "").split()
    if len(nspid) < 2 or nspid[-1] != "1" or fields.get("State", "").split()[:1] == ["Z"]:
        return False
    return not cmdline or marker in cmdline


def _crucible_packages() -> list[Path]:
    """Crucible's own packages, read-only: an agent may embed its runtime (`pipeline.runtime`),
    installed in the environment that runs its tests. (The workers and plugins that judge are
    copied into the private copy; they import nothing from here.)"""
    root = Path(__file__).resolve().parent.parent
    return [root / "pipeline", root / "verifiers"]


def _covered(path: Path, roots: Sequence[str]) -> bool:
    return any(path == Path(root) or Path(root) in path.parents for root in roots)


def _bind(source: Path, made: set[str], how: str, at: Path | None = None) -> list[str]:
    """Bind `source` at `at`, first creating its parents world-readable (bwrap makes them 0700)."""
    target = at or source
    args: list[str] = []
    for parent in reversed(target.parents):
        if str(parent) not in made:
            made.add(str(parent))
            args += ["--perms", "0755", "--dir", str(parent)]
    made.add(str(target))
    return args + [how, str(source), str(target)]


def _environment(workdir: Path, extra: Mapping[str, str] | None) -> dict[str, str]:
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(workdir),
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": HASH_SEED,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        # The project's own code comes from the private copy, flat or src layout, before
        # anything installed in Crucible's environment.
        "PYTHONPATH": ":".join(str(p) for p in (workdir / "src", workdir) if p.is_dir()),
    }
    env.update(extra or {})
    return env


def _hand_over(workdir: Path) -> None:
    """Make the private copy writable by the sandbox user, and nothing else."""
    for directory, _dirs, files in os.walk(workdir):
        os.chown(directory, SANDBOX_UID, SANDBOX_UID)
        for name in files:
            os.chown(os.path.join(directory, name), SANDBOX_UID, SANDBOX_UID, follow_symlinks=False)


def _own_process_count() -> int:
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                pass
    return count


def _apply_limits(limits: SandboxLimits) -> None:
    """In the child before exec: limits every process of the sandbox inherits."""
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
