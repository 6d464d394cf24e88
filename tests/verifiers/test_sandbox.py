"""Escape attempts against the real sandbox: each must be contained, every time.

Every test runs hostile Python through `run_sandboxed` with small limits and then checks the
host, not the sandbox's own report: a file that must not exist, a secret that must not appear,
a process that must not survive.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

import verifiers.sandbox as sandbox_module
from verifiers.base import Isolation
from verifiers.sandbox import SANDBOX_UID, SandboxLimits, SandboxResult, run_sandboxed, sandbox_problem

pytestmark = pytest.mark.skipif(sandbox_problem() is not None, reason=f"no bubblewrap here: {sandbox_problem()}")

LIMITS = SandboxLimits(wall_seconds=5, cpu_seconds=5, memory_bytes=512 * 1024**2, file_bytes=16 * 1024**2, processes=16)
IS_ROOT = os.geteuid() == 0


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """The sandbox's private copy; everything else under tmp_path is 'outside'."""
    path = tmp_path / "copy"
    path.mkdir()
    (path / "module.py").write_text("VALUE = 1\n")
    return path


@pytest.fixture
def marker() -> str:
    """A string unique to this test, to find its files and processes on the host."""
    return f"crucible-escape-{uuid.uuid4().hex}"


def run_python(workdir: Path, code: str, *args: str, limits: SandboxLimits = LIMITS, env: dict[str, str] | None = None) -> SandboxResult:
    return run_sandboxed(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        workdir=workdir, limits=limits, isolation=Isolation.STRICT, env=env,
    )


# What the sandbox must still allow: without this, every containment test below is vacuous.

def test_workdir_is_writable_and_readable(workdir: Path) -> None:
    result = run_python(workdir, """
        import module
        open("written.txt", "w").write(f"value={module.VALUE}")
        print("OK")
    """)
    assert result.tool.returncode == 0, result.tool.excerpt()
    assert (workdir / "written.txt").read_text() == "value=1"
    assert "bubblewrap" in result.isolation


@pytest.mark.skipif(not IS_ROOT, reason="root is dropped only when the host runs as root")
def test_runs_as_nobody_without_privileges_when_host_is_root(workdir: Path) -> None:
    result = run_python(workdir, """
        import os
        status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
        print(os.getuid(), os.geteuid(), os.getgid(), os.getgroups(), status["NoNewPrivs"].strip(), status["CapEff"].strip())
    """)
    uid = SANDBOX_UID
    assert result.tool.stdout.split() == [str(uid), str(uid), str(uid), "[]", "1", "0000000000000000"], result.tool.excerpt()


def test_environment_is_the_clean_one(workdir: Path) -> None:
    result = run_python(workdir, "import os, json; print(json.dumps(dict(os.environ)))")
    environ: dict[str, str] = json.loads(result.tool.stdout)
    assert environ["PATH"] == f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin"
    assert environ["HOME"] == str(workdir)
    assert set(environ) <= {
        "PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE", "PYTHONNOUSERSITE", "PWD",
        "PYTHONPATH",
    }
    assert environ["PYTHONPATH"] == str(workdir)  # the private copy's own code, nothing of the host


def test_tmp_is_private_writable_and_bounded(workdir: Path, marker: str) -> None:
    """/tmp works as usual inside, never reaches the host's /tmp, and cannot eat the host's memory."""
    limits = replace(LIMITS, memory_bytes=128 * 1024**2)
    result = run_python(workdir, """
        import sys
        written = 0
        try:
            for i in range(64):  # 64 files of 15 MiB: each under the file limit, 960 MiB in all
                with open(f"/tmp/{sys.argv[1]}-{i}", "wb") as handle:
                    handle.write(b"x" * (15 << 20))
                written += 15
        except OSError as exc:
            print("STOPPED", written, exc.errno)
        else:
            print("WROTE", written)
    """, marker, limits=limits)
    stopped, written, errno = result.tool.stdout.split()
    assert stopped == "STOPPED" and 0 < int(written) <= 128 and int(errno) == 28, result.tool.excerpt()  # ENOSPC
    assert not list(Path("/tmp").glob(f"{marker}*"))


# Writes outside the private copy.

@pytest.fixture
def outside_targets(tmp_path: Path, marker: str) -> Iterator[list[Path]]:
    """Host paths the sandbox must not create, one per place worth protecting."""
    project = tmp_path / "project"  # the user's own tree, next to the copy
    project.mkdir()
    (project / "agent.py").write_text("SAFE = True\n")
    site_packages = Path(next(p for p in sys.path if p.endswith("site-packages")))
    targets = [
        project / "agent.py",
        project / f"{marker}.py",
        Path("/tmp") / marker,
        Path("/usr") / marker,
        Path("/usr/local/lib") / marker,
        Path.home() / marker,
        Path.home() / ".bashrc.d" / marker,
        site_packages / f"{marker}.pth",  # would run in every later Python on the host
        Path(sys.executable).parent / marker,
        Path(__file__).parent / marker,
        Path(str(sandbox_module.__file__)).parent / f"{marker}.py",  # Crucible's own trusted code
    ]
    yield targets
    for target in targets[1:]:
        target.unlink(missing_ok=True)


def test_cannot_write_outside_the_copy(workdir: Path, outside_targets: list[Path]) -> None:
    result = run_python(workdir, """
        import os, sys
        for target in sys.argv[1:]:
            try:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "a") as handle:
                    handle.write("PWNED = True\\n")
                print("wrote inside the sandbox:", target)
            except OSError as exc:
                print("refused:", target, exc.strerror)
    """, *map(str, outside_targets))
    assert result.tool.returncode == 0, result.tool.excerpt()
    assert (outside_targets[0]).read_text() == "SAFE = True\n"
    assert [target for target in outside_targets[1:] if target.exists()] == []
    assert "wrote inside the sandbox: /usr/" not in result.tool.stdout  # read-only even for names it could see


# Reads outside the private copy.

@pytest.fixture
def secrets(tmp_path: Path, marker: str) -> Iterator[list[Path]]:
    """Secret files outside the copy: one under tmp_path, one world-readable in the host's /tmp
    (only the mount namespace hides it), and one in root's home when we are root."""
    hidden = tmp_path / "secret.txt"
    shared_dir = Path(tempfile.mkdtemp(prefix="crucible-secret-"))
    shared_dir.chmod(0o755)
    shared = shared_dir / "secret.txt"
    paths = [hidden, shared]
    if IS_ROOT:
        paths.append(Path("/root") / f".{marker}-secret")
    for path in paths:
        path.write_text(f"TOPSECRET-{marker}\n")
        path.chmod(0o644)
    yield paths
    shutil.rmtree(shared_dir)
    if IS_ROOT:
        paths[-1].unlink(missing_ok=True)


def test_cannot_read_secrets_outside_the_copy(workdir: Path, secrets: list[Path], marker: str) -> None:
    result = run_python(workdir, """
        import os, sys
        for path in [*sys.argv[1:], "/etc/shadow", "/root/.ssh/id_rsa", "/root/.bash_history"]:
            try:
                print(path, open(path).read())
            except OSError as exc:
                print("refused:", path, exc.strerror)
        print("root holds:", sorted(os.listdir("/root")) if os.path.isdir("/root") else None)
    """, *map(str, secrets))
    assert result.tool.returncode == 0, result.tool.excerpt()
    assert "TOPSECRET" not in result.tool.stdout + result.tool.stderr
    assert result.tool.stdout.count("refused:") == len(secrets) + 3
    assert marker not in result.tool.stdout.split("root holds:")[1]


# Network.

CONNECT = """
    import socket, sys
    family, address = sys.argv[1], sys.argv[2]
    try:
        if family == "unix":
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.settimeout(3)
            client.connect("\\0" + address)
        else:
            host, port = address.rsplit(":", 1)
            client = socket.create_connection((host, int(port)), timeout=3)
        client.sendall(b"LEAK")
        print("CONNECTED")
    except OSError as exc:
        print("BLOCKED", type(exc).__name__, exc.errno)
    print("interfaces", [name for _, name in socket.if_nameindex()])
"""


def test_cannot_reach_the_internet(workdir: Path) -> None:
    result = run_python(workdir, CONNECT, "inet", "1.1.1.1:80")
    assert result.tool.stdout.startswith("BLOCKED"), result.tool.excerpt()
    assert "interfaces ['lo']" in result.tool.stdout


def test_cannot_reach_a_server_on_the_hosts_loopback(workdir: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.settimeout(0.2)
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=2):  # the server does listen
            server.accept()[0].close()
        result = run_python(workdir, CONNECT, "inet", f"127.0.0.1:{port}")
        with pytest.raises(TimeoutError):
            server.accept()
    assert result.tool.stdout.startswith("BLOCKED"), result.tool.excerpt()


def test_cannot_reach_an_abstract_unix_socket_on_the_host(workdir: Path, marker: str) -> None:
    """Abstract sockets live in the network namespace, not the filesystem: the bind mounts
    alone would not hide them."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind("\0" + marker)
        server.listen(8)
        server.settimeout(0.2)
        result = run_python(workdir, CONNECT, "unix", marker)
        with pytest.raises(TimeoutError):
            server.accept()
    assert result.tool.stdout.startswith("BLOCKED"), result.tool.excerpt()


# The parent's environment.

def test_cannot_see_the_parents_environment(workdir: Path, marker: str, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = f"hunter2-{marker}"
    monkeypatch.setenv("CRUCIBLE_FAKE_API_KEY", secret)
    result = run_python(workdir, """
        import os
        print("environ", dict(os.environ))
        for pid in sorted({os.getppid(), 1, *(int(p) for p in os.listdir("/proc") if p.isdigit())}):
            for name in ("environ", "cmdline"):
                try:
                    print(pid, name, open(f"/proc/{pid}/{name}", "rb").read())
                except OSError as exc:
                    print(pid, name, "refused", exc.strerror)
    """)
    assert result.tool.returncode == 0, result.tool.excerpt()
    assert "1 environ" in result.tool.stdout  # /proc/1/environ was tried
    assert secret not in result.tool.stdout + result.tool.stderr
    assert "CRUCIBLE_FAKE_API_KEY" not in result.tool.stdout


# Processes and time.

def _survivors(marker: str, pid_namespace: str) -> list[str]:
    """Live host processes left by a finished run: whatever is still in its PID namespace (no
    process can leave one) or carries its marker in its command line or environment. Other
    sandboxes running as the same user at the same time are neither, so they do not count."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            in_namespace = os.readlink(entry / "ns" / "pid") == pid_namespace
            marked = marker.encode() in (entry / "cmdline").read_bytes() + (entry / "environ").read_bytes()
        except OSError:
            continue  # gone while we looked
        if "State:\tZ" not in status and (in_namespace or marked):
            uid = next(line.split()[1] for line in status.splitlines() if line.startswith("Uid:"))
            found.append(f"pid {entry.name} uid {uid}: {status.splitlines()[0]}")
    return found


BOMB = """
    import os, sys, time
    first = os.getpid()
    print(os.readlink("/proc/self/ns/pid"), flush=True)
    deadline = time.monotonic() + 20  # the guard: even uncontained, the bomb stops by itself
    limited = False
    while time.monotonic() < deadline:
        try:
            os.fork()
        except OSError:
            if os.getpid() == first and not limited:
                limited = True
                print("LIMITED", sum(name.isdigit() for name in os.listdir("/proc")), flush=True)
"""


def test_fork_bomb_is_capped_killed_and_leaves_nothing(workdir: Path, marker: str) -> None:
    limits = replace(LIMITS, wall_seconds=2, processes=12)
    started = time.monotonic()
    result = run_python(workdir, BOMB, marker, limits=limits, env={"CRUCIBLE_TEST_MARKER": marker})
    assert time.monotonic() - started < 10
    assert result.tool.timed_out, result.tool.excerpt()
    namespace, limited, count = result.tool.stdout.split()[:3]
    assert namespace.startswith("pid:[") and limited == "LIMITED", result.tool.excerpt()
    if IS_ROOT:  # the process limit counts the sandbox user's processes (plus bubblewrap's init)
        assert int(count) <= limits.processes + 1
    assert _survivors(marker, namespace) == []


DAEMON = """
    import os, sys, time
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            open("started", "w").write("daemon up")
            time.sleep(3)
            open("late", "w").write("the daemon outlived the sandbox")
            os._exit(0)
        os._exit(0)
    os.wait()
    while not os.path.exists("started"):
        time.sleep(0.01)
    print("DAEMONISED", os.readlink("/proc/self/ns/pid"), flush=True)
    if sys.argv[1] == "hang":
        time.sleep(10**6)
"""


@pytest.mark.parametrize("main", ["exit", "hang"])
def test_daemon_dies_with_the_sandbox(workdir: Path, marker: str, main: str) -> None:
    """A double-forked, setsid'd child escapes a process-group kill; the PID namespace kills it
    whether the main process exits at once or is killed for the wall time."""
    started = time.monotonic()
    result = run_python(workdir, DAEMON, main, marker, limits=replace(LIMITS, wall_seconds=1.5))
    assert result.tool.stdout.startswith("DAEMONISED"), result.tool.excerpt()
    assert result.tool.timed_out is (main == "hang")
    assert (workdir / "started").exists()
    assert _survivors(marker, result.tool.stdout.split()[1]) == []
    time.sleep(max(0.0, 4.0 - (time.monotonic() - started)))
    assert not (workdir / "late").exists()


def test_sleeping_forever_is_cut_at_the_wall_time(workdir: Path) -> None:
    result = run_python(workdir, "import time; time.sleep(10**6)", limits=replace(LIMITS, wall_seconds=1))
    assert result.tool.timed_out and result.tool.returncode is None
    assert 1 <= result.tool.seconds < 5


def test_cpu_time_limit_kills_a_busy_loop(workdir: Path) -> None:
    result = run_python(workdir, "while True: pass", limits=replace(LIMITS, cpu_seconds=1, wall_seconds=8))
    assert not result.tool.timed_out, "the CPU limit should have fired before the wall time"
    assert result.killed_by is not None, result.tool


# Memory and file size.

def test_cannot_allocate_8_gib(workdir: Path) -> None:
    result = run_python(workdir, """
        try:
            block = bytearray(8 * 1024**3)
            print("ALLOCATED", len(block), flush=True)
        except MemoryError:
            print("REFUSED at once", flush=True)
        chunks = []
        try:
            while len(chunks) < 128:  # 128 x 64 MiB = 8 GiB, touched
                chunks.append(bytearray(64 << 20))
            print("ALLOCATED", len(chunks) * 64)
        except MemoryError:
            print("REFUSED after MiB", len(chunks) * 64)
    """)
    assert "ALLOCATED" not in result.tool.stdout, result.tool.excerpt()
    refused_after = result.tool.stdout.split("REFUSED after MiB")
    assert len(refused_after) == 2 or result.killed_by is not None, result.tool.excerpt()
    if len(refused_after) == 2:
        assert int(refused_after[1]) * 1024**2 <= LIMITS.memory_bytes


@pytest.mark.parametrize("where", ["workdir", "tmp"])
def test_cannot_write_1_gib_file(workdir: Path, where: str) -> None:
    target = "big.bin" if where == "workdir" else "/tmp/big.bin"
    result = run_python(workdir, """
        import os, sys
        chunk = b"x" * (1 << 20)
        written = 0
        try:
            with open(sys.argv[1], "wb") as handle:
                for _ in range(1024):
                    handle.write(chunk)
                    handle.flush()
                    written += 1
            print("WROTE 1 GiB")
        except OSError as exc:
            print("STOPPED at MiB", written, exc.errno)
        print("size", os.path.getsize(sys.argv[1]))
    """, target)
    assert "WROTE" not in result.tool.stdout, result.tool.excerpt()
    assert int(result.tool.stdout.split("size")[1]) <= LIMITS.file_bytes
    if where == "workdir":
        assert (workdir / "big.bin").stat().st_size <= LIMITS.file_bytes
