"""The gate's reading of a site's pages while the builder is still writing the rest.

A builder writes pages one at a time for most of a build, on one core; the gate used to
read them all only once the build was over. A helper process reads each page as soon as it
is written, on the other core, and tells which it found clean, with the sha256 of the bytes
it read (`fastscan.clean_sha256`). The gate then skips a page only while the manifest records
that same sha256 for it, and reads every other file itself: the helper can only save time,
never pass a file the gate would fail.

The print version, written by another child process while the builder writes the pages,
is handed over once it is written, and so is Material's search index, made by another
process. A gate run on its own (`evidence-kit scan`) shares
the site with a helper (`Sharing`): the helper reads the files from the last (the search
index first), the gate from the first, and they meet where the helper has reached.

The helper is a new interpreter, not a fork of the builder: it holds the detectors and
what it has seen, not a copy of the builder's memory, and it starts the same way on every
platform. It is started once the builder has read every page (so it never runs beside the
pipeline's own child process) and stopped once every page is written.
"""

from __future__ import annotations

import contextlib
import pickle
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from . import detectors, fastscan
from .detectors import Detectors
from .fastscan import Part, Seen

if TYPE_CHECKING:
    from ..core.options.publish import Publish

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]
# The helper imports the package from where this process found it, and nothing from the
# folder it runs in, which `-c` puts first on the path.
_MAIN = (
    "import sys; sys.path[:] = [sys.argv[1], *filter(None, sys.path)]; "
    "from evidence_kit.publish import prescan; prescan.main()"
)
_SHARING = "sharing"


class Prescan:
    """The parent's end of one helper: `add` each file once it is written, then `clean`."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process: subprocess.Popen[bytes] | None = process

    @classmethod
    def start(cls, publish: Publish) -> Prescan | None:
        """A helper reading with `publish`'s rules; None where none can be started (the
        gate then reads every file itself)."""
        process = _spawn()
        if process is None:
            return None
        prescan = cls(process)
        prescan._send(publish)
        prescan._send(Detectors.of(publish).compiled())
        return prescan

    def add(self, rel: str, path: str | Path) -> None:
        """Have the helper read the finished file `path`, `rel` below the site."""
        self._send(("file", rel, str(path)))

    def flush(self) -> None:
        """Send what `add` left in the buffer: the helper starts on it now."""
        if self.process is not None and self.process.stdin is not None:
            try:
                self.process.stdin.flush()
            except OSError:  # the helper died: the gate reads every file itself
                self.close()

    def clean(self) -> dict[str, str]:
        """What the helper found clean, each file's path below the site with the sha256 of
        what was read; waits for it to read the files it was given, then stops it. Empty if
        it failed: the gate then reads those files itself."""
        process, self.process = self.process, None
        if process is None:
            return {}
        try:
            out, _ = process.communicate(pickle.dumps(None))
            found = pickle.loads(out) if process.returncode == 0 else {}
        except (OSError, ValueError, pickle.UnpicklingError, EOFError):
            _stop(process)
            return {}
        return found if isinstance(found, dict) else {}

    def close(self) -> None:
        """Stop the helper without waiting for its result (a build that failed)."""
        process, self.process = self.process, None
        if process is not None:
            _stop(process)

    def _send(self, message: object) -> None:
        if self.process is None or self.process.stdin is None:
            return
        try:
            # Not flushed: the helper has time to spare, the writer none; the buffer goes
            # out when it fills (a large part at once), and all of it in `clean`.
            pickle.dump(message, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:  # the helper died: the gate reads every file itself
            self.close()


class Sharing:
    """A helper reading a list of files from its last while the gate reads it from its
    first, for a gate with no build to read pages beside (`evidence-kit scan`, the staged
    build's gate): the gate stops where the helper has reached, so each reads about its
    share whatever else keeps either core busy, and the gate never waits for the helper."""

    def __init__(self, process: subprocess.Popen[bytes], message: bytes, count: int) -> None:
        self.process = process
        self.reached = count
        """The first index of the list from which the helper has read every file."""
        self.vouched: dict[int, str] = {}
        """The sha256 of each file (by its index in the list) the helper found clean."""
        # A thread, so that the gate reads its first files while the helper starts.
        self._listener = threading.Thread(target=self._run, args=(message,), daemon=True)
        self._listener.start()

    @staticmethod
    def spawn() -> subprocess.Popen[bytes] | None:
        """A helper's process, started before the gate knows what it will share: it starts
        while the gate lists the site (`start` it with the files, or `discard` it)."""
        return _spawn(_SHARING)

    @staticmethod
    def discard(process: subprocess.Popen[bytes]) -> None:
        """Stop a `spawn`ed process, whether or not it was started and stopped since."""
        _stop(process)

    @classmethod
    def start(
        cls,
        publish: Publish,
        files: Sequence[tuple[str, Path, Part | None]],
        process: subprocess.Popen[bytes] | None = None,
    ) -> Sharing | None:
        """A helper reading `files` (HTML, XML or JSON, or a `Part` of a page) with
        `publish`'s rules, in `process` if one was `spawn`ed; None where none can be
        started (the gate then reads every file itself)."""
        if process is None:
            process = _spawn(_SHARING)
        if process is None:
            return None
        # Compiled here while the helper starts, and handed over: the gate needs them too,
        # and the helper then starts reading sooner.
        rules = Detectors.of(publish)
        rules.all.compile()
        named = [(rel, str(path), part) for rel, path, part in files]
        message = b"".join(map(pickle.dumps, (publish, rules.compiled(), named)))
        return cls(process, message, len(files))

    def _run(self, message: bytes) -> None:
        stdin, stdout = self.process.stdin, self.process.stdout
        if stdin is None or stdout is None:  # pragma: no cover - always piped
            return
        with contextlib.suppress(EOFError, OSError, ValueError, pickle.UnpicklingError):
            with stdin:
                stdin.write(message)
            while True:
                index, digest = pickle.load(stdout)
                if digest:
                    self.vouched[index] = digest
                self.reached = index

    def stop(self) -> dict[int, str]:
        """Stop the helper where it is: the files it found clean (by their index in the
        list), each with the sha256 of what it read."""
        # Killed before its pipes are closed: the listener then sees their end.
        self.process.kill()
        self._listener.join()
        _stop(self.process)
        return dict(self.vouched)


def _spawn(*mode: str) -> subprocess.Popen[bytes] | None:
    if not sys.executable:
        return None
    try:
        return subprocess.Popen(
            [sys.executable, "-c", _MAIN, str(_PACKAGE_ROOT), *mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.kill()
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()
    process.wait()


def read(publish: Publish, files: IO[bytes]) -> dict[str, str]:
    """The helper's work: the files named on `files` (pickled ("file", rel, path), up to a
    None), each HTML, XML or JSON file that the quick reading finds clean with its sha256;
    none after the first where it finds anything (`fastscan.clean_sha256`)."""
    rules = Detectors.of(publish)
    seen = Seen()
    clean: dict[str, str] = {}
    found = False
    while (item := pickle.load(files)) is not None:
        _, rel, path = item
        if not found and rel.lower().endswith(fastscan.MARKUP + fastscan.JSON):
            digest = _digest(rel, Path(path), rules, seen)
            if digest is None:
                found = True
            elif digest:
                clean[rel] = digest
    return clean


def _digest(
    rel: str, source: Path, rules: Detectors, seen: Seen, part: Part | None = None
) -> str | None:
    """The sha256 of the HTML, XML or JSON file `rel` (at `source`) if the quick reading
    finds it (or its `part`) clean; None if it finds anything; "" for a file that cannot be
    read (not written after all: a builder skips empty pages)."""
    try:
        if rel.lower().endswith(fastscan.JSON):
            return fastscan.clean_json_sha256(source, rules, seen)
        return fastscan.clean_sha256(source, rules, seen, part)
    except OSError:
        return ""


def share(publish: Publish, files: Sequence[tuple[str, str, Part | None]], out: IO[bytes]) -> None:
    """The helper's work beside a gate (`Sharing`): read `files` (HTML, XML or JSON, each
    as (rel, path, part)) from the last, and after each write (its index, its sha256 if
    the quick reading finds it clean, else "") to `out`; stop after the first where it
    finds anything, or when the gate stops it."""
    rules = Detectors.of(publish)
    seen = Seen()
    for index in range(len(files) - 1, -1, -1):
        rel, path, part = files[index]
        digest = _digest(rel, Path(path), rules, seen, part)
        pickle.dump((index, digest or ""), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()
        if digest is None:
            return


def main() -> None:  # pragma: no cover - runs in the helper process
    incoming, outgoing = sys.stdin.buffer, sys.stdout.buffer
    publish = pickle.load(incoming)
    detectors.adopt(pickle.load(incoming))
    if sys.argv[2:] == [_SHARING]:
        share(publish, pickle.load(incoming), outgoing)
        return
    outgoing.write(pickle.dumps(read(publish, incoming), protocol=pickle.HIGHEST_PROTOCOL))
    outgoing.flush()
