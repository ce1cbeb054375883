"""The item-quality and reading-level findings of a large course, found on the second core
while the build renders and packages (issue 18: the 10,000-page build).

Those findings are only ever warnings and nothing the render needs, and for a large course
they are a third of the build's CPU. :func:`start` forks a child process (POSIX ``fork``:
the child has the loaded course as it is, nothing is sent to it) that runs
:func:`builder.quality.check` and the reading figures of every module, and pickles them
back through a pipe; the build goes on rendering meanwhile and asks for them
(:meth:`Findings.result`) before it decides anything or writes anything. The findings, and
their order, are those the check gives in-process.

The fork itself (:func:`fork`, :class:`Child`, :func:`can_fork`) is shared with
:mod:`builder.loadfork`, which reads a large course's units on two cores: the child
pickles its value straight into the pipe and the parent unpickles it as it comes.

Nothing can hang or be lost: the parent reads the pipe to its end (the child closes it by
exiting, whatever happens to it) and reaps the child; when the child fails in any way (no
fork, killed, an exception, a pickling problem) the check runs in-process, where an
exception is raised as it always was. A course below :data:`MIN_PAGES` pages, a platform
without ``fork`` (or where ``fork`` is not the default start method: macOS, Windows), a
process with more than one thread (a lock held by another thread would stay held in the
child) and ``COURSEPACK_NO_FORK=1`` run the check in-process, as before.

Memory: the child shares the parent's pages copy-on-write; it writes only to the objects
it touches (reference counts, the checks' caches). On the 10,000-page course both
processes together stay under the build's peak (see benchmarks/README.md).
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import threading
import weakref
from collections.abc import Callable

from builder import quality
from builder.errors import Problem
from builder.model import Course

#: pages (module pages and assessments) from which the check runs in a child process
MIN_PAGES = 2000


def can_fork() -> bool:
    """Whether work may go to a forked child here: Linux (where ``fork`` is the default
    start method), one thread only, and ``COURSEPACK_NO_FORK`` not set. Every use of a
    child (this module's findings, :mod:`builder.loadfork`'s reading) asks this first."""
    if os.environ.get("COURSEPACK_NO_FORK") or not hasattr(os, "fork"):
        return False
    if not sys.platform.startswith("linux"):  # fork is not safe by default elsewhere
        return False
    # a lock another thread holds would stay held in the child (the preview's server, a
    # test runner's threads)
    return threading.active_count() <= 1


def _wanted(course: Course) -> bool:
    if not can_fork():
        return False
    pages = sum(len(m.pages) for m in course.modules) + len(course.assessments)
    return pages >= MIN_PAGES


#: bytes of the modules' HTML still to measure (their reading figures) from which the
#: child hands the last of them to a child of its own (:func:`_helper`) ...
HELPER_BYTES = 2_000_000
#: ... about this share of them: the check's own rules (the quizzes' items, after the
#: modules) are left to the child, which takes the helper's figures when it comes to them
HELPER_SHARE = 0.5


def _work(course: Course) -> tuple[list[Problem], list[quality.Reading]]:
    taken = _helper(course)
    try:
        return quality.check(course), [quality.module_reading_of(m, course.language)
                                       for m in course.modules]
    finally:
        if taken is not None:
            taken()  # the helper reaped, whatever happened (nothing when taken already)


def _html_bytes(module: object) -> int:
    return sum(len(b) for page in getattr(module, "pages", ()) for b in page.blocks
               if isinstance(b, str))


def _helper(course: Course) -> Callable[[], None] | None:
    """In the findings' child: a child of its own that measures the reading figures of
    the last modules not measured yet (about :data:`HELPER_SHARE` of their HTML), which
    the check takes when it comes to them (:func:`builder.quality.coming`): the figures
    are most of the check's time, and the build's render and zip leave room on two cores
    for a third process. Returns what takes (and reaps) them; None when there is too
    little to share, or no fork."""
    language = course.language
    if not isinstance(language, str):
        return None
    todo = quality.unmeasured(course.modules, language)
    sizes = [_html_bytes(m) for m in todo]
    total = sum(sizes)
    if total < HELPER_BYTES or not can_fork():
        return None
    at, share = len(todo), 0
    while at > 1 and share + sizes[at - 1] <= total * HELPER_SHARE:
        at -= 1
        share += sizes[at]
    theirs = todo[at:]
    if not theirs:
        return None
    child = fork(lambda: [quality.module_reading_of(m, language) for m in theirs])
    if child is None:
        return None
    return quality.coming(theirs, language, child.result)


class Child:
    """A forked child process working out one value, which it pickles back through a
    pipe (:func:`fork`). :meth:`result` waits for it; dropping the object (or exiting)
    before then stops the child."""

    def __init__(self, pid: int, fd: int):
        self._fd: int | None = fd
        self._pid: int | None = pid
        #: a build that fails before it asks for the value (or is dropped) stops the
        #: child when this object goes, or at exit: no process is left behind
        self._stop = weakref.finalize(self, _stop, pid, fd)

    @property
    def pid(self) -> int | None:
        return self._pid

    def ready(self) -> bool:
        """Whether the child has begun to send its value, or has ended (:meth:`result`
        would not wait long)."""
        if self._fd is None:
            return True
        try:
            return bool(select.select([self._fd], [], [], 0)[0])
        except (OSError, ValueError):
            return True

    def result(self) -> object | None:
        """The child's value; None when it failed in any way (killed, an exception, a
        pickling problem, nothing sent). Waits for it, and reaps it; asked once."""
        if self._pid is None:
            return None
        assert self._fd is not None
        self._stop.detach()
        got, ok = None, False
        try:  # unpickled as it comes: the child pickles straight into the pipe
            fd, self._fd = self._fd, None
            with os.fdopen(fd, "rb") as pipe:
                got = pickle.load(pipe)
                ok = not pipe.read(1)  # and nothing after it
        except Exception:  # noqa: BLE001 - whatever went wrong, the caller works here
            got, ok = None, False
        finally:  # a child still writing gets EPIPE once the pipe is closed, and ends
            _, status = os.waitpid(self._pid, 0)
            self._pid = None
        if not ok or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return None
        return got


def fork(work: Callable[[], object]) -> Child | None:
    """Run ``work()`` in a forked child (the child has the process as it is: nothing is
    sent to it) and return the :class:`Child` that gives its value; None when no child
    could be started (the caller works in-process). Ask :func:`can_fork` first."""
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return None
    try:  # 1 MB at a time (Linux): fewer turns between the child writing and the parent
        import fcntl  # reading (POSIX only: fork() is only called on Linux)
        fcntl.fcntl(write_fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # the child: work, send, leave without running the parent's clean-up
        code = 1
        try:
            os.close(read_fd)
            value = work()
            with os.fdopen(write_fd, "wb") as pipe:  # frame by frame: the parent
                pickle.dump(value, pipe, protocol=pickle.HIGHEST_PROTOCOL)  # unpickles along
            code = 0
        except BaseException:  # noqa: BLE001 - the parent does the work itself
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    return Child(pid, read_fd)


class Findings:
    """The quality findings of one course: found in a child process, or in-process."""

    def __init__(self, course: Course, child: Child | None = None):
        self.course = course
        self._child = child
        self._got: list[Problem] | None = None

    @property
    def forked(self) -> bool:
        return self._child is not None and self._child.pid is not None

    def result(self) -> list[Problem]:
        """The findings (waiting for the child if it still works)."""
        if self._got is None:
            got = self._from_child()
            if got is None:
                got = _work(self.course)
            problems, readings = got
            quality.remember_readings(self.course, readings)
            self._got = problems
        return self._got

    def _from_child(self) -> tuple[list[Problem], list[quality.Reading]] | None:
        if self._child is None:
            return None
        got, self._child = self._child.result(), None
        if (not isinstance(got, tuple) or len(got) != 2
                or len(got[1]) != len(self.course.modules)):
            return None
        return got  # type: ignore[return-value]


def _stop(pid: int, fd: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        os.waitpid(pid, 0)
    except OSError:
        pass
    try:
        os.close(fd)
    except OSError:
        pass


def start(course: Course) -> Findings:
    """Begin finding ``course``'s quality findings: in a child process for a large course,
    else (later, when asked) in-process."""
    if not _wanted(course):
        return Findings(course)
    return Findings(course, fork(lambda: _work(course)))
