"""`crucible release` and `crucible rollback`: publish an admitted variant to a running agent (a
bundle in its watched directory, or a POST to its admin endpoint), and ask it to switch back.

release: 0 published (and, with --wait or --agent, taken), 1 refused (not admitted, or the agent
said no), 2 bad input, 3 integrity (the project no longer matches the verdict's kernel) or an
agent that cannot be reached. rollback: 0 done or requested, 1 refused by the agent, 2, 3 alike."""

from __future__ import annotations

import argparse
import getpass
import json
import platform
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from collections.abc import Callable
from typing import NoReturn, TextIO

from pipeline.config import load_config
from pipeline.errors import BadInput, CrucibleError, IntegrityError
from pipeline.patch import apply_patch, parse_patch
from pipeline.report.jsonl import VERDICTS, read_records
from pipeline.report.records import CandidateRecord, record_to_json
from pipeline.runtime.bundle import Release, encode_release, release_file_name, source_hash
from pipeline.runtime.changelog import changelog_path, read_changelog
from pipeline.runtime.watcher import RollbackRequest, encode_rollback_request, rollback_file_name
from pipeline.workspace import workspace
from verifiers.atomic import write_bytes_atomic
from verifiers.kernel import load_kernel, verify_lock
from verifiers.tree import copy_tree, iter_files

__all__ = ["build_bundle", "run_runtime_command"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise BadInput(f"{self.prog}: {message} (see --help)")


def _parsers(name: str) -> argparse.ArgumentParser:
    parser = _Parser(prog=f"crucible {name}", add_help=False)
    target = parser.add_mutually_exclusive_group(required=True)
    if name == "release":
        parser.description = "Publish an admitted candidate to a running agent."
        parser.add_argument("--report", required=True, type=Path, help="the report directory holding the verdict")
        parser.add_argument("--candidate", required=True, help="the candidate id (or a unique prefix)")
        parser.add_argument("--project", type=Path, help="the project (default: the one the verdict names)")
        target.add_argument("--to", type=Path, dest="releases", metavar="DIR", help="the agent's watched directory")
    else:
        parser.description = "Switch a running agent back to an earlier version."
        target.add_argument("--releases", type=Path, metavar="DIR", help="the agent's watched directory")
        parser.add_argument("--to", type=int, dest="version", metavar="VERSION",
                            help="the version to go back to (default: the one the live version replaced)")
        parser.add_argument("--reason", default="", help="why, for the change log")
    target.add_argument("--agent", metavar="URL", help="the agent's admin endpoint (http://127.0.0.1:PORT)")
    parser.add_argument("--who", default="", help="who asks, for the change log (default: user@host)")
    parser.add_argument("--wait", type=float, default=0.0, metavar="S",
                        help="with a directory: wait up to S seconds for the agent's verdict in its change log")
    parser.add_argument("--changelog", type=Path, help="the agent's change log (default: <project>/.crucible/changelog.jsonl)")
    return parser


def run_runtime_command(name: str, arguments: list[str], out: TextIO) -> int:
    parser = _parsers(name)
    if any(arg in ("-h", "--help") for arg in arguments):
        print(parser.format_help(), file=out, end="")
        return 0
    args = parser.parse_args(arguments)
    if args.wait < 0:
        raise BadInput(f"crucible {name}: --wait must not be negative")
    args.who = args.who or f"{getpass.getuser()}@{platform.node()}"
    return _release(args, out) if name == "release" else _rollback(args, out)


def _release(args: argparse.Namespace, out: TextIO) -> int:
    record = _candidate(args.report, args.candidate)
    if not record.admitted:
        print(f"refused: {record.id} was not admitted ({record.summary})", file=out)
        return 1
    project = (args.project or Path(record.project)).resolve()
    release, data = build_bundle(record, project, args.report.resolve(), args.who)
    print(f"release {release.release_id}: candidate {record.id}, kernel {release.kernel_digest}, "
          f"{len(release.files)} module(s): {', '.join(path for path, _ in release.files)}", file=out)
    if args.agent:
        return _post(f"{args.agent.rstrip('/')}/admin/release", data, out)
    log = args.changelog or changelog_path(project)
    before = len(read_changelog(log)) if args.wait else 0
    path = args.releases / release_file_name(release)
    write_bytes_atomic(path, data)
    print(f"published: {path}", file=out)
    if not args.wait:
        return 0
    return _await(log, args.wait, lambda e: e.get("release") == release.release_id
                  and e.get("event") in ("switch", "release-refused"), out, after=before)


def build_bundle(record: CandidateRecord, project: Path, report: Path, publisher: str) -> tuple[Release, bytes]:
    """The bundle of an admitted record: the diff applied here, so the agent needs no patch tool."""
    config = load_config(project)
    digest = verify_lock(config, load_kernel(config))  # IntegrityError: the tree is off its lock
    if digest.value != record.kernel_digest:
        raise IntegrityError(f"{project}: kernel digest {digest.value} is not the verdict's {record.kernel_digest}")
    patch = parse_patch(record.diff, source=f"{record.id} diff")
    base = {path: source_hash((project / path).read_text(encoding="utf-8"))
            for root in config.source for path in iter_files(project, root) if path.endswith(".py")}
    files: dict[str, str] = {}
    with workspace("crucible-release-") as scratch:
        copy = copy_tree(project, scratch / "variant")
        for change in apply_patch(patch, copy):
            if change.kind.value != "modified" or not change.path.endswith(".py"):
                raise BadInput(f"{record.id}: {change.kind.value} {change.path}: a release changes Python modules only")
            files[change.path] = (copy / change.path).read_text(encoding="utf-8")
    created = datetime.now(UTC).isoformat(timespec="microseconds")
    return encode_release(verdict_json=record_to_json(record), created=created, publisher=publisher,
                          report=str(report), base=base, files=files)


def _candidate(report: Path, candidate: str) -> CandidateRecord:
    if not (report / VERDICTS).is_file():
        raise BadInput(f"{report}: no {VERDICTS} here (not a Crucible report directory)")
    records = read_records(report)
    exact = [r for r in records if r.id == candidate]
    matches = exact or [r for r in records if r.id.startswith(candidate)]
    if not matches or len({r.id for r in matches}) > 1:
        raise BadInput(f"{candidate}: {'no' if not matches else 'more than one'} candidate with that id in {report}")
    return matches[-1]  # gated more than once: the latest verdict


def _rollback(args: argparse.Namespace, out: TextIO) -> int:
    request = RollbackRequest(args.version, args.reason, args.who, datetime.now(UTC).isoformat(timespec="microseconds"))
    if args.agent:
        return _post(f"{args.agent.rstrip('/')}/admin/rollback", encode_rollback_request(request), out)
    if args.wait and args.changelog is None:
        raise BadInput("crucible rollback: --wait needs --changelog (the agent's change log)")
    before = len(read_changelog(args.changelog)) if args.wait else 0
    path = args.releases / rollback_file_name(request)
    write_bytes_atomic(path, encode_rollback_request(request))
    print(f"rollback requested: {path}", file=out)
    if not args.wait:
        return 0
    return _await(args.changelog, args.wait, lambda e: e.get("event") in ("rollback", "rollback-refused")
                  and e.get("who") == request.who, out, after=before)


def _await(log: Path, seconds: float, wanted: Callable[[dict[str, object]], bool], out: TextIO, *,
           after: int = 0) -> int:
    """The agent's answer: the first wanted entry of its change log past line `after`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [entry for entry in read_changelog(log)[after:] if wanted(entry)]
        if found:
            entry = found[0]
            print(f"agent: {entry.get('event')}: {entry.get('reason')} (version {entry.get('version')})", file=out)
            return 0 if entry.get("event") in ("switch", "rollback") else 1
        time.sleep(0.1)
    raise CrucibleError(f"no answer from the agent in {seconds:g}s (its change log: {log})")


def _post(url: str, data: bytes, out: TextIO) -> int:
    if not url.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]")):
        raise BadInput(f"{url}: the admin endpoint must be on loopback (http://127.0.0.1:PORT)")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="POST")
    try:
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:  # the agent refused: its reason is in the body
            body = exc.read()
        answer = json.loads(body)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise CrucibleError(f"{url}: agent not reachable or not answering JSON: {exc}") from None
    accepted = bool(answer.get("accepted")) if isinstance(answer, dict) else False
    reason = answer.get("reason") if isinstance(answer, dict) else answer
    print(f"agent: {'accepted' if accepted else 'refused'}: {reason}", file=out)
    return 0 if accepted else 1
