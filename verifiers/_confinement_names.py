"""The names confinement refuses, by rule. Dotted names are resolved meanings (what an expression
evaluates to through imports and aliases), never source text; a table entry also covers what lies
below it (`os.environ` covers `os.environ.get` and `os.environ["HOME"]`)."""

from __future__ import annotations

import types
from collections.abc import Iterable
from typing import Final

__all__ = [
    "ARG_MUTATORS", "ATTRIBUTE_WRITERS", "BARE_INTROSPECTION", "CLASS_MUTATORS", "CONSTRUCTED_TYPES",
    "ENVIRONMENT", "ENVIRONMENT_PREFIXES", "FOREIGN_WRITE", "FRAME_ATTRIBUTES", "GLOBAL_STATE_SETTERS",
    "IDENTITY_ATTRIBUTES", "INERT_CALLEES", "INTROSPECTION", "INTROSPECTION_ATTRIBUTES", "JUDGE",
    "JUDGE_WORDS", "MUTATOR_METHODS", "NEW_IMPORT", "OBVIOUS_INT_METHODS", "RAW_CHANNEL", "RAW_OPENERS",
    "RAW_PATH_PREFIXES", "SHARED_OBJECT_GETTERS", "STD_STREAMS", "STREAM_RAW", "STREAM_USES", "TABLE_MODULES",
    "UNBOUND_METHOD_OWNERS", "covers", "introspective_attribute", "introspective_name", "judge_module",
    "judge_string", "matching",
]

FOREIGN_WRITE: Final = "confine-foreign-write"
INTROSPECTION: Final = "confine-introspection"
JUDGE: Final = "confine-judge-import"
NEW_IMPORT: Final = "confine-new-import"
ENVIRONMENT: Final = "confine-environment"
RAW_CHANNEL: Final = "confine-raw-channel"

# The judge's own packages: pytest and its plugins, CrossHair and its solver, the other tools
# Crucible runs, and Crucible itself. Importing or naming one serves only to find the judge.
JUDGE_PACKAGES: Final = frozenset(
    {
        "pytest", "_pytest", "pluggy", "py", "crosshair", "pytest_benchmark", "hypothesis", "coverage",
        "z3", "mypy", "semgrep", "libcst", "verifiers", "pipeline", "unittest.mock", "doctest",
    }
)
# Words that name nothing but the judge, so they are refused anywhere inside a string too.
JUDGE_WORDS: Final = ("pytest", "crosshair", "pluggy", "_crucible")

# Attributes that reach the interpreter's internals on whatever object they are read from.
INTROSPECTION_ATTRIBUTES: Final = frozenset(
    {
        "__globals__", "__code__", "__closure__", "cell_contents", "__subclasses__", "__builtins__",
        "__mro__", "__module__", "__file__", "__spec__", "__loader__", "__path__", "__cached__",
    }
)
FRAME_ATTRIBUTES: Final = frozenset(
    {
        "f_back", "f_globals", "f_locals", "f_code", "f_builtins", "f_trace", "f_lineno", "tb_frame",
        "tb_next", "gi_frame", "cr_frame", "ag_frame", "gi_code", "cr_code", "ag_code",
    }
)
CODE_ATTRIBUTES: Final = frozenset(name for name in dir(types.CodeType) if name.startswith("co_"))
# Attributes that change what an object is when written (`x.__class__ = Other`), owned or not.
IDENTITY_ATTRIBUTES: Final = frozenset({"__class__", "__bases__"})

INTROSPECTION_NAMES: Final = frozenset(
    {
        "sys.modules", "sys._getframe", "sys._current_frames", "sys._current_exceptions", "sys.settrace",
        "sys.setprofile", "sys.gettrace", "sys.getprofile", "sys.meta_path", "sys.path_hooks",
        "sys.path_importer_cache", "sys.excepthook", "sys.displayhook", "sys.unraisablehook",
        "sys.addaudithook", "sys.audit", "sys.setrecursionlimit", "sys.setswitchinterval",
        "sys.monitoring", "sys.getrecursionlimit", "sys.getswitchinterval",
        "threading.settrace", "threading.setprofile", "threading.enumerate", "threading.excepthook",
        "threading.settrace_all_threads", "threading.setprofile_all_threads", "threading._active",
        # whole modules whose only use is to look at or steer the interpreter
        "gc", "inspect", "ctypes", "_ctypes", "dis", "tracemalloc", "faulthandler", "atexit", "signal",
        "importlib", "imp", "pkgutil", "code", "codeop", "pdb", "bdb", "trace", "cProfile", "profile",
        "_thread", "traceback.extract_stack", "traceback.walk_stack",
        "traceback.format_stack", "traceback.print_stack", "traceback.StackSummary",
        "traceback.walk_tb",
    }
)
ENVIRONMENT_NAMES: Final = frozenset(
    {
        "os.environ", "os.environb", "os.getenv", "os.getenvb", "os.putenv", "os.unsetenv",
        "os.getpid", "os.getppid", "os.getpgrp", "os.getpgid", "os.getsid", "os.getuid", "os.geteuid",
        "os.getgid", "os.getegid", "os.getgroups", "os.getlogin", "os.getresuid", "os.getresgid",
        "os.uname", "os.getcwd", "os.getcwdb", "os.getloadavg", "os.cpu_count", "os.sched_getaffinity",
        "sys.argv", "sys.orig_argv", "sys.executable", "sys.flags", "sys._xoptions",
        "sys.warnoptions", "sys.prefix", "sys.base_prefix", "sys.exec_prefix", "sys.base_exec_prefix",
        "sys.path", "sys._base_executable", "platform", "socket.gethostname", "socket.getfqdn",
        "getpass.getuser", "resource", "pwd", "grp", "posix.environ", "nt.environ",
        "pathlib.Path.cwd", "pathlib.Path.home", "os.path.expanduser", "os.path.expandvars",
        "os.isatty", "os.ttyname", "os.ctermid", "os.get_terminal_size", "threading.current_thread",
        "threading.main_thread", "threading.active_count", "threading.get_ident",
        "threading.get_native_id",
    }
)
# What a standard stream may be used for without telling whether the judge captures it.
STREAM_USES: Final = frozenset({"write", "writelines", "flush"})
# ... and what reaches the descriptor underneath it.
STREAM_RAW: Final = frozenset({"fileno", "buffer", "detach", "raw", "_file"})
# String literals naming the process's own view of itself.
ENVIRONMENT_PREFIXES: Final = ("/proc", "/sys/", "/dev/fd")
# Paths that are the judge's own streams.
RAW_PATH_PREFIXES: Final = ("/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/tty", "/dev/pts")

RAW_CHANNEL_NAMES: Final = frozenset(
    {
        "os.write", "os.read", "os.fdopen", "os.dup", "os.dup2", "os.close", "os.closerange", "os.pipe",
        "os.pipe2", "os.fstat", "os.set_inheritable", "os.lseek", "os.sendfile", "os.open", "os.openpty",
        "os.writev", "os.readv", "os.pwrite", "os.pread", "os.ftruncate", "os.fsync", "io.FileIO",
        "sys.__stdout__", "sys.__stderr__", "sys.__stdin__",
        "_io.FileIO", "socket.fromfd", "socket.socket.fromfd", "contextlib.redirect_stdout",
        "contextlib.redirect_stderr",
    }
)
# Opened with a file descriptor (an int) as first argument, these write to the judge's streams.
RAW_OPENERS: Final = frozenset({"builtins.open", "io.open", "_io.open", "codecs.open"})
OBVIOUS_INT_METHODS: Final = frozenset({"fileno"})
STD_STREAMS: Final = frozenset(
    {"sys.stdout", "sys.stderr", "sys.stdin", "sys.__stdout__", "sys.__stderr__", "sys.__stdin__"}
)

# Types whose construction makes frames, code or functions out of parts (isinstance checks are fine).
CONSTRUCTED_TYPES: Final = frozenset(
    {"types.FrameType", "types.CodeType", "types.FunctionType", "types.CellType", "types.TracebackType"}
)
# Bare module-level names that say where the code lives or how it was loaded.
BARE_INTROSPECTION: Final = frozenset({"__file__", "__path__", "__cached__", "__spec__", "__loader__", "__builtins__"})

# Calls that write an attribute of their first argument.
ATTRIBUTE_WRITERS: Final = frozenset(
    {
        "builtins.setattr", "builtins.delattr", "builtins.object.__setattr__",
        "builtins.object.__delattr__", "builtins.type.__setattr__", "builtins.type.__delattr__",
    }
)
# Functions that change process-wide state the judge shares (its random draws, warnings, locale,
# working directory, ...) when called.
GLOBAL_STATE_SETTERS: Final = frozenset(
    {
        "random.seed", "random.setstate", "warnings.filterwarnings", "warnings.simplefilter",
        "warnings.resetwarnings", "decimal.setcontext", "os.chdir", "os.fchdir", "os.umask", "os.nice",
        "os.setpgrp", "os.setsid", "locale.setlocale", "socket.setdefaulttimeout", "codecs.register",
        "copyreg.pickle", "mimetypes.add_type", "mimetypes.init", "sys.set_int_max_str_digits",
        "threading.stack_size", "logging.basicConfig", "logging.disable", "logging.setLoggerClass",
        "logging.captureWarnings",
    }
)
# Calls that return an object the whole process shares: writing to it is a foreign write.
SHARED_OBJECT_GETTERS: Final = frozenset(
    {"decimal.getcontext", "logging.getLogger", "logging.getLoggerClass"}
)
# Methods that change their owner even when the owner is a class (`Sequence.register(C)`).
CLASS_MUTATORS: Final = frozenset({"register", "setLevel", "addHandler", "removeHandler", "addFilter", "removeFilter"})

# Functions that mutate their first argument in place.
ARG_MUTATORS: Final = frozenset(
    {
        "operator.setitem", "operator.delitem", "operator.iadd", "operator.iconcat", "operator.ior",
        "operator.iand", "operator.isub", "heapq.heappush", "heapq.heappop", "heapq.heapify",
        "heapq.heappushpop", "heapq.heapreplace", "bisect.insort", "bisect.insort_left",
        "bisect.insort_right", "random.shuffle",
    }
)
MUTATOR_METHODS: Final = frozenset(
    {
        "append", "extend", "insert", "update", "setdefault", "pop", "popitem", "clear", "remove", "add",
        "discard", "__setitem__", "__delitem__", "__setattr__", "__delattr__", "sort", "reverse",
        "difference_update", "intersection_update", "symmetric_difference_update", "appendleft",
        "extendleft", "popleft", "rotate", "move_to_end", "__iadd__", "__ior__",
    }
)
# `dict.update(d, ...)`: a method called on its class mutates its first argument, not the class.
UNBOUND_METHOD_OWNERS: Final = frozenset(
    {"builtins.dict", "builtins.list", "builtins.set", "builtins.bytearray", "builtins.object", "builtins.type"}
)
# Callees that only look at a module handed to them (everything else may write to it).
INERT_CALLEES: Final = frozenset(
    {
        "builtins.getattr", "builtins.hasattr", "builtins.vars", "builtins.dir", "builtins.id",
        "builtins.type", "builtins.repr", "builtins.str", "builtins.print", "builtins.isinstance",
        "builtins.issubclass", "builtins.callable", "builtins.len", "builtins.hash", "builtins.bool",
    }
)

# Modules some table names a part of: an attribute computed at run time could be that part.
TABLE_MODULES: Final = frozenset(
    entry.split(".")[0] for table in (INTROSPECTION_NAMES, ENVIRONMENT_NAMES, RAW_CHANNEL_NAMES) for entry in table
) | {"builtins"}


def covers(entry: str, meaning: str) -> bool:
    """Whether table `entry` names `meaning` or something below it."""
    return meaning == entry or meaning.startswith((entry + ".", entry + "["))


def matching(meanings: Iterable[str]) -> tuple[str, str] | None:
    """(rule, meaning) for the first meaning a name table refuses, most specific rule first."""
    for meaning in sorted(meanings, key=lambda m: (m.count("."), m)):  # `sys.modules` before `os.sys.modules`
        if judge_module(meaning):
            return JUDGE, meaning
        owner, _, attr = meaning.rpartition(".")
        if attr == "?" and owner.split(".")[0] in TABLE_MODULES:  # `getattr(os, name)`
            return INTROSPECTION, f"{owner}.<a name computed at run time>"
        for rule, table in ((RAW_CHANNEL, RAW_CHANNEL_NAMES), (ENVIRONMENT, ENVIRONMENT_NAMES), (INTROSPECTION, INTROSPECTION_NAMES)):
            if any(covers(entry, meaning) for entry in table):
                return rule, meaning
    return None


def introspective_attribute(attr: str) -> bool:
    """An attribute that reaches interpreter internals whatever object holds it."""
    return attr in INTROSPECTION_ATTRIBUTES or attr in FRAME_ATTRIBUTES or attr.startswith("co_")


def introspective_name(value: str) -> bool:
    """A string naming such an attribute, as `getattr(f, "__globals__")` needs; `co_*` only when
    it is a real code-object attribute, so that `"co_author"` stays a word."""
    return value in INTROSPECTION_ATTRIBUTES or value in FRAME_ATTRIBUTES or value in CODE_ATTRIBUTES


def judge_module(name: str) -> bool:
    """A dotted name inside one of the judge's packages (`pytest`, `unittest.mock.patch`, `_crucible_x`)."""
    return name.startswith("_crucible") or any(covers(package, name) for package in JUDGE_PACKAGES)


def judge_string(value: str) -> bool:
    """A string that names a judge package outright, or holds a word that means only the judge."""
    text = value.strip()
    lowered = text.lower()
    return judge_module(text) or any(word in lowered for word in JUDGE_WORDS)
