"""Reproducible builds: the same sources give the same bytes, whenever and wherever built.

Two builds run as separate processes, in different folders, with different clocks (the
process sees another day), time zones, locales, hash seeds (the iteration order of sets),
umasks and source file times, and the same SOURCE_DATE_EPOCH: every package must be
byte-identical. A different SOURCE_DATE_EPOCH may change the zip timestamps and nothing
else.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from builder.build import build
from builder.packagers import TARGETS
from tests.conftest import FIXTURES, REPO

#: Runs the command line with the process's clock moved to another moment (seconds since
#: 1970 in argv[1]): time.time/localtime/gmtime, datetime.now/today and date.today.
CLOCK_SHIM = '''
import datetime as _dt, sys, time as _time
_offset = float(sys.argv.pop(1)) - _time.time()
_real = _time.time
_time.time = lambda: _real() + _offset
_time.time_ns = lambda: int((_real() + _offset) * 1e9)
_lt, _gt = _time.localtime, _time.gmtime
_time.localtime = lambda s=None: _lt(_time.time() if s is None else s)
_time.gmtime = lambda s=None: _gt(_time.time() if s is None else s)
class _DateTime(_dt.datetime):
    @classmethod
    def now(cls, tz=None): return cls.fromtimestamp(_time.time(), tz)
    @classmethod
    def utcnow(cls): return cls.utcfromtimestamp(_time.time())
    @classmethod
    def today(cls): return cls.fromtimestamp(_time.time())
class _Date(_dt.date):
    @classmethod
    def today(cls): return cls.fromtimestamp(_time.time())
_dt.datetime, _dt.date = _DateTime, _Date
from builder.cli import cli
cli(prog_name="coursepack")
'''

SETUPS = [  # (clock, TZ, locale, hash seed, umask, source mtime)
    (1_767_225_600, "UTC", "C.UTF-8", "1", 0o022, 1_000_000_000),        # 2026-01-01
    (2_082_758_400, "Asia/Kolkata", "C", "4242", 0o077, 1_600_000_000),  # 2036-01-01
]


def run_build(project: Path, out: Path, cwd: Path, setup, epoch: str = "1700000000",
              shim: Path | None = None) -> None:
    clock, tz, locale, seed, umask, _ = setup
    env = {**os.environ, "TZ": tz, "LC_ALL": locale, "LANG": locale, "PYTHONHASHSEED": seed,
           "SOURCE_DATE_EPOCH": epoch, "PYTHONPATH": str(REPO)}
    args = [str(shim), str(clock)] if shim else ["-m", "builder"]
    proc = subprocess.run(
        [sys.executable, *args, "build", str(project), "--out", str(out),
         *[a for t in TARGETS for a in ("-t", t)]],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
        preexec_fn=lambda: os.umask(umask))
    assert proc.returncode == 0, proc.stderr


def copy_course(dest: Path, mtime: int) -> Path:
    shutil.copytree(FIXTURES / "minimal", dest)
    for path in [dest, *dest.rglob("*")]:
        os.utime(path, (mtime, mtime))
    return dest


def files_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[dict[str, bytes], dict[str, bytes], list[Path]]:
    base = tmp_path_factory.mktemp("repro")
    shim = base / "clock_shim.py"
    shim.write_text(CLOCK_SHIM, "utf-8")
    outs, projects = [], []
    for n, (setup, place) in enumerate(zip(SETUPS, ["first/course", "second place/Kurs ü"],
                                           strict=True)):
        project = copy_course(base / place, setup[5])
        cwd = base / f"cwd-{n}"
        cwd.mkdir()
        if n:
            time.sleep(1.1)  # and the real clock has moved on by more than a second
        run_build(project, base / f"out-{n}", cwd, setup, shim=shim)
        outs.append(files_of(base / f"out-{n}"))
        projects.append(project)
    return outs[0], outs[1], projects


def test_builds_on_different_days_and_machines_are_byte_identical(two_builds):
    first, second, _ = two_builds
    zips = sorted(name for name in first if name.endswith(".zip"))
    assert [z.rsplit("-", 1)[1] for z in zips] == sorted(f"{t}.zip" for t in TARGETS)
    assert first.keys() == second.keys()  # the zips and the web folder
    for name in first:
        assert first[name] == second[name], f"{name} differs between the two builds"


def test_packages_hold_no_trace_of_where_they_were_built(two_builds):
    first, _, projects = two_builds
    needles = {str(p) for p in projects} | {"second place", "Kurs ü"}
    needles |= {v for k in ("USER", "HOME", "HOSTNAME") if len(v := os.environ.get(k, "")) > 3}
    for name, data in first.items():
        blobs = [data]
        if name.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                blobs += [zf.read(n) for n in zf.namelist()] + [n.encode() for n in zf.namelist()]
        for needle in needles:
            for blob in blobs:
                assert needle.encode("utf-8") not in blob, f"{needle!r} is in {name}"


@pytest.mark.skipif(shutil.which("faketime") is None,
                    reason="faketime is not installed (apt-get install faketime)")
def test_faketime_build_matches(two_builds, tmp_path):
    """With libfaketime the clock moves for C code too (the zip module, libyaml)."""
    first, _, _ = two_builds
    project = copy_course(tmp_path / "course", SETUPS[0][5])
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONPATH": str(REPO),
           "TZ": "America/Santiago"}
    proc = subprocess.run(
        ["faketime", "2031-07-04 12:34:56", sys.executable, "-m", "builder", "build",
         str(project), "--out", str(tmp_path / "out"), *[a for t in TARGETS for a in ("-t", t)]],
        env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert files_of(tmp_path / "out") == first


def test_source_date_epoch_changes_only_the_timestamps(minimal, tmp_path, monkeypatch):
    built = {}
    for epoch in ("1700000000", "1800000000"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        built[epoch] = build(minimal, TARGETS, out=tmp_path / epoch).written
    stamps = {"1700000000": (2023, 11, 14, 22, 13, 20), "1800000000": (2027, 1, 15, 8, 0, 0)}
    for a, b in zip(built["1700000000"], built["1800000000"], strict=True):
        assert a.name == b.name
        assert a.read_bytes() != b.read_bytes()
        with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
            infos_a, infos_b = za.infolist(), zb.infolist()
            assert [i.filename for i in infos_a] == [i.filename for i in infos_b]
            assert {i.date_time for i in infos_a} == {stamps["1700000000"]}
            assert {i.date_time for i in infos_b} == {stamps["1800000000"]}
            for ia, ib in zip(infos_a, infos_b, strict=True):
                assert za.read(ia) == zb.read(ib), f"{a.name}: {ia.filename} differs"
                for field in ("compress_type", "external_attr", "create_system", "CRC",
                              "file_size", "compress_size", "flag_bits", "extra", "comment"):
                    assert getattr(ia, field) == getattr(ib, field), (ia.filename, field)


def test_source_date_epoch_before_1980_or_garbage_falls_back(minimal, tmp_path, monkeypatch):
    """Zip entries cannot carry times before 1980; nonsense is ignored, not a crash."""
    sizes = set()
    for n, epoch in enumerate(("0", "-5", "soon", "", " 315532800 ")):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        [path] = build(minimal, ("scorm12",), out=tmp_path / str(n)).written
        with zipfile.ZipFile(path) as zf:
            assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        sizes.add(path.read_bytes())
    assert len(sizes) == 1
