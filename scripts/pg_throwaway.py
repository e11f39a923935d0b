#!/usr/bin/env python3
"""Run one command against a throwaway PostgreSQL cluster.

    python scripts/pg_throwaway.py -- pytest
    python scripts/pg_throwaway.py -- python -c "import os; print(os.environ['DATABASE_URL'])"

When ``DATABASE_URL`` is already set, the command simply runs with it. Otherwise this script

1. finds ``initdb``/``pg_ctl`` on ``PATH`` or in ``/usr/lib/postgresql/<version>/bin`` (the
   highest version), installing Debian's ``postgresql`` with apt-get when it is missing and we
   are root;
2. creates a temporary directory, runs ``initdb`` (trust authentication, UTF8, locale C) and
   starts the server with ``pg_ctl`` on a free port, listening on 127.0.0.1 only, with its unix
   socket in the temporary directory and ``fsync=off``;
3. runs the command with ``DATABASE_URL=postgres://postgres@127.0.0.1:<port>/postgres``
   (pytest-django then creates ``test_postgres`` beside it);
4. stops the server and removes the directory, also when the command fails or is interrupted,
   and exits with the command's exit code.

PostgreSQL refuses to run as root, so when we are root the server runs as the unprivileged
``postgres`` user (``nobody`` if there is no such user); otherwise as the current user.

Only the standard library is used, so any Python 3.11 can run it. ``throwaway_postgres()`` is the
same thing as a context manager for use from Python.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit, urlunsplit

PREFIX = "pg_throwaway:"
SUPERUSER = "postgres"
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 30

SERVER_SETTINGS = """
# --- pg_throwaway: a disposable cluster for tests ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '{socket_dir}'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
log_min_messages = warning
log_line_prefix = '%m [%p] '
"""


class ThrowawayError(RuntimeError):
    """The throwaway cluster could not be set up."""


class Terminated(BaseException):
    """Raised in the main thread when SIGTERM or SIGHUP arrives, so that clean-up runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def say(message: str) -> None:
    print(f"{PREFIX} {message}", file=sys.stderr, flush=True)


# --- finding and installing PostgreSQL ------------------------------------------------------


def _version_key(bin_dir: Path) -> tuple[int, ...]:
    # /usr/lib/postgresql/15/bin -> (15,), /usr/lib/postgresql/9.6/bin -> (9, 6)
    return tuple(int(part) for part in re.findall(r"\d+", bin_dir.parent.name)) or (0,)


def find_bin_dir() -> Path | None:
    """The directory holding ``initdb``, ``pg_ctl`` and ``postgres``: from PATH, else the
    highest version under /usr/lib/postgresql."""
    on_path = shutil.which("initdb")
    if on_path:
        real_dir = Path(on_path).resolve().parent
        if (real_dir / "pg_ctl").exists():
            return real_dir
        pg_ctl = shutil.which("pg_ctl")
        if pg_ctl and Path(pg_ctl).resolve().parent == real_dir:
            return real_dir
    candidates = [
        path.parent
        for path in Path("/usr/lib/postgresql").glob("*/bin/initdb")
        if (path.parent / "pg_ctl").exists()
    ]
    if candidates:
        return max(candidates, key=_version_key)
    return None


def install_postgresql() -> None:
    """Install Debian's PostgreSQL without letting the package create and start its own
    ``main`` cluster."""
    say("PostgreSQL not found; installing Debian's postgresql with apt-get")
    conf = Path("/etc/postgresql-common/createcluster.conf")
    if not conf.exists():
        conf.parent.mkdir(parents=True, exist_ok=True)
        conf.write_text(
            "# Written by samsyn scripts/pg_throwaway.py\ncreate_main_cluster = false\n"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdin=subprocess.DEVNULL)
    subprocess.run(
        [
            "apt-get",
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
            "-o",
            "Dpkg::Options::=--force-confdef",
            "-o",
            "Dpkg::Options::=--force-confold",
            "postgresql",
        ],
        check=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def ensure_bin_dir() -> Path:
    bin_dir = find_bin_dir()
    if bin_dir is not None:
        return bin_dir
    if os.geteuid() == 0 and shutil.which("apt-get"):
        install_postgresql()
        bin_dir = find_bin_dir()
        if bin_dir is not None:
            return bin_dir
    raise ThrowawayError(
        "initdb not found on PATH or in /usr/lib/postgresql/*/bin. "
        "Install PostgreSQL (Debian: apt-get install postgresql) or set DATABASE_URL."
    )


# --- who runs the server -----------------------------------------------------------------------


@dataclass(frozen=True)
class ServerUser:
    name: str
    uid: int
    gid: int
    groups: tuple[int, ...]
    home: str

    @classmethod
    def current(cls) -> ServerUser:
        entry = pwd.getpwuid(os.geteuid())
        return cls(entry.pw_name, entry.pw_uid, entry.pw_gid, (), entry.pw_dir)

    @property
    def switches(self) -> bool:
        return self.uid != os.geteuid()


def server_user() -> ServerUser:
    """PostgreSQL will not run as root: use ``postgres`` (or ``nobody``) when we are root."""
    if os.geteuid() != 0:
        return ServerUser.current()
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        groups = tuple(os.getgrouplist(name, entry.pw_gid))
        return ServerUser(name, entry.pw_uid, entry.pw_gid, groups, entry.pw_dir)
    raise ThrowawayError("running as root, but there is neither a 'postgres' nor a 'nobody' user")


# --- the cluster -------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _traversable_by_others(path: Path) -> bool:
    return all(os.stat(p).st_mode & 0o001 for p in [path, *path.parents])


def _temp_base(user: ServerUser) -> str:
    base = Path(tempfile.gettempdir()).resolve()
    # A unix socket path may be ~107 bytes long; another user must be able to reach the dir.
    if len(str(base)) > 60 or (user.switches and not _traversable_by_others(base)):
        return "/tmp"
    return str(base)


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class Cluster:
    bin_dir: Path
    user: ServerUser
    root: Path
    port: int = 0
    started: bool = False

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def _run(self, args: Sequence[str], *, timeout: float) -> subprocess.CompletedProcess[bytes]:
        """Run a PostgreSQL program as the server user; its output goes to a file, never to a
        pipe the server could inherit."""
        env = {
            "PATH": f"{self.bin_dir}:/usr/local/bin:/usr/bin:/bin",
            "HOME": self.user.home if os.path.isdir(self.user.home) else str(self.root),
            "USER": self.user.name,
            "LOGNAME": self.user.name,
            "LC_ALL": "C",
            "LANG": "C",
        }
        tool_log = self.root / "tools.log"
        with open(tool_log, "ab") as out:
            if self.user.switches:
                os.chown(tool_log, self.user.uid, self.user.gid)
            switch = self.user.switches
            return subprocess.run(
                [str(self.bin_dir / args[0]), *args[1:]],
                cwd=self.root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
                user=self.user.uid if switch else None,
                group=self.user.gid if switch else None,
                extra_groups=list(self.user.groups) if switch else None,
            )

    def init(self) -> None:
        result = self._run(
            [
                "initdb",
                "--pgdata",
                str(self.data_dir),
                "--username",
                SUPERUSER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",
            ],
            timeout=120,
        )
        if result.returncode != 0:
            raise ThrowawayError(f"initdb failed:\n{_tail(self.root / 'tools.log')}")
        with open(self.data_dir / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(SERVER_SETTINGS.format(socket_dir=self.root))

    def start(self, attempts: int = 5) -> None:
        for _ in range(attempts):
            self.port = free_port()
            result = self._run(
                [
                    "pg_ctl",
                    "start",
                    "--pgdata",
                    str(self.data_dir),
                    "--log",
                    str(self.log_file),
                    "--wait",
                    "--timeout",
                    str(START_TIMEOUT_SECONDS),
                    "--options",
                    f"-p {self.port}",
                ],
                timeout=START_TIMEOUT_SECONDS + 10,
            )
            if result.returncode == 0:
                self.started = True
                return
            log = _tail(self.log_file)
            self.stop(quiet=True)
            if "could not bind" in log or "already in use" in log:
                continue  # someone took the port between our probe and the server's bind
            raise ThrowawayError(f"pg_ctl start failed:\n{log}\n{_tail(self.root / 'tools.log')}")
        raise ThrowawayError(f"no free port after {attempts} attempts")

    def _postmaster_pid(self) -> int | None:
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self, *, quiet: bool = False) -> None:
        """Stop the server whatever state it is in."""
        pid = self._postmaster_pid()
        if pid is None:
            return
        for mode in ("fast", "immediate"):
            try:
                result = self._run(
                    [
                        "pg_ctl",
                        "stop",
                        "--pgdata",
                        str(self.data_dir),
                        "--mode",
                        mode,
                        "--wait",
                        "--timeout",
                        str(STOP_TIMEOUT_SECONDS),
                    ],
                    timeout=STOP_TIMEOUT_SECONDS + 10,
                )
            except subprocess.TimeoutExpired:
                continue
            if result.returncode == 0 or not _alive(pid):
                return
        if _alive(pid):
            if not quiet:
                say(f"pg_ctl could not stop the server; killing postmaster {pid}")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)

    def server_version(self) -> str:
        try:
            return (self.data_dir / "PG_VERSION").read_text().strip()
        except OSError:
            return "?"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is not alive; /proc tells them apart on Linux.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Start a disposable PostgreSQL cluster and yield its URL; stop and delete it afterwards."""
    bin_dir = ensure_bin_dir()
    user = server_user()
    root = Path(tempfile.mkdtemp(prefix="samsyn-pg-", dir=_temp_base(user)))
    cluster = Cluster(bin_dir=bin_dir, user=user, root=root)
    try:
        os.chmod(root, 0o700)
        if user.switches:
            os.chown(root, user.uid, user.gid)
        cluster.init()
        cluster.start()
        say(
            f"started throwaway PostgreSQL {cluster.server_version()} on 127.0.0.1:{cluster.port} "
            f"as user {user.name} (data in {root})"
        )
        yield cluster.url
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
        if cluster.started:
            say(f"stopped throwaway PostgreSQL on port {cluster.port} and removed {root}")


# --- running the command -------------------------------------------------------------------


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


def _wait_or_kill(proc: subprocess.Popen[bytes], grace: float) -> None:
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_command(command: Sequence[str], env: dict[str, str]) -> int:
    """Run the command, pass signals on, and return its exit code (128+N for signal N)."""
    proc = subprocess.Popen(list(command), env=env)
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        # A Ctrl-C at the terminal reached the command too; give it time to tidy up.
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)
        _wait_or_kill(proc, grace=30)
        raise
    except Terminated as exc:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(exc.signum)
        _wait_or_kill(proc, grace=15)
        raise
    return 128 - code if code < 0 else code


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="pg_throwaway.py",
        description="Run a command with DATABASE_URL pointing at a throwaway PostgreSQL cluster.",
        usage="%(prog)s -- COMMAND [ARG ...]",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command to run, after --")
    args = parser.parse_args(argv)
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        parser.error("no command given (put it after --)")

    if shutil.which(command[0]) is None:
        parser.error(f"command not found: {command[0]}")

    signal.signal(signal.SIGTERM, _raise_terminated)
    signal.signal(signal.SIGHUP, _raise_terminated)

    try:
        existing = os.environ.get("DATABASE_URL")
        if existing:
            if not existing.startswith(("postgres://", "postgresql://", "pgsql://")):
                say(f"warning: DATABASE_URL is not a PostgreSQL URL: {_redacted(existing)}")
            say(f"DATABASE_URL is set; using {_redacted(existing)} (no throwaway cluster)")
            return run_command(command, dict(os.environ))
        with throwaway_postgres() as url:
            return run_command(command, {**os.environ, "DATABASE_URL": url})
    except ThrowawayError as exc:
        say(f"error: {exc}")
        return 1
    except FileNotFoundError as exc:
        say(f"error: {exc}")
        return 127
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    except Terminated as exc:
        say(f"terminated by signal {exc.signum}")
        return 128 + exc.signum


if __name__ == "__main__":
    sys.exit(main())
