"""Test media made when the tests run (no binaries in the repository).

- a WebM video: Chromium draws a changing colour and a clock on a canvas, and records it
  with ``canvas.captureStream`` and ``MediaRecorder`` (what every CI machine with the test
  browser can do; no ffmpeg). MediaRecorder writes no duration (the file is a live
  stream), so browsers would report an infinite length: :func:`with_duration` adds the
  Segment Info's Duration element (Matroska/EBML), as a muxer does for a file.
- an MP3 of silence: MPEG-1 Layer III frames whose side information and main data are
  all zero decode to silence;
- a PNG poster, with zlib.
"""

from __future__ import annotations

import base64
import shutil
import struct
import zlib
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "media"

RECORD_JS = """async (ms) => {
  const canvas = document.createElement('canvas');
  canvas.width = 160; canvas.height = 90;
  document.body.appendChild(canvas);
  const g = canvas.getContext('2d');
  const recorder = new MediaRecorder(canvas.captureStream(25), {mimeType: 'video/webm;codecs=vp8'});
  const parts = [];
  recorder.ondataavailable = (e) => parts.push(e.data);
  const t0 = performance.now();
  const draw = () => {
    const t = performance.now() - t0;
    g.fillStyle = `hsl(${(t / 10) % 360}, 60%, 40%)`; g.fillRect(0, 0, 160, 90);
    g.fillStyle = '#fff'; g.font = '24px sans-serif'; g.fillText((t / 1000).toFixed(1), 20, 55);
  };
  draw();
  const timer = setInterval(draw, 40);
  recorder.start();
  await new Promise((r) => setTimeout(r, ms));
  recorder.stop();
  await new Promise((r) => { recorder.onstop = r; });
  clearInterval(timer);
  const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  return btoa(s);
}"""


def record_webm(browser, seconds: float) -> bytes:
    """A WebM (VP8) video of ``seconds``, recorded in ``browser`` (playwright Chromium)."""
    page = browser.new_page()
    try:
        page.goto("about:blank")
        raw = base64.b64decode(page.evaluate(RECORD_JS, int(seconds * 1000)))
    finally:
        page.close()
    # the length of what was recorded (a busy machine drops frames), plus one frame
    return with_duration(raw, last_frame_ms(raw) + 40)


def _id(b: bytes, i: int) -> tuple[int, int]:
    n = 1
    while n <= 4 and not b[i] & (0x80 >> (n - 1)):
        n += 1
    return int.from_bytes(b[i:i + n], "big"), n


def _size(b: bytes, i: int) -> tuple[int, int]:
    n = 1
    while n <= 8 and not b[i] & (0x80 >> (n - 1)):
        n += 1
    value = b[i] & (0xFF >> n)
    for k in range(1, n):
        value = value << 8 | b[i + k]
    return value, n


def _segment_start(data: bytes) -> int:
    ident, n = _id(data, 0)
    size, m = _size(data, n)
    i = n + m + size  # the EBML header
    ident, n = _id(data, i)
    assert ident == 0x18538067, f"no Segment ({ident:x})"
    _, m = _size(data, i + n)
    return i + n + m


def last_frame_ms(data: bytes) -> int:
    """The time of the last frame of a WebM recording, in ms: the clusters' Timecode plus
    each block's relative time (clusters of a recording have an unknown size, so
    their children are read in line)."""
    i = _segment_start(data)
    cluster = last = 0
    while i < len(data):
        ident, n = _id(data, i)
        size, m = _size(data, i + n)
        body = i + n + m
        if ident in (0x1F43B675, 0xA0):  # Cluster, BlockGroup: go inside
            i = body
            continue
        if ident == 0xE7:  # the cluster's Timecode
            cluster = int.from_bytes(data[body:body + size], "big")
        elif ident in (0xA3, 0xA1):  # (Simple)Block: track number, then a signed 16-bit time
            _, k = _size(data, body)
            last = max(last, cluster + int.from_bytes(data[body + k:body + k + 2], "big",
                                                      signed=True))
        i = body + size
    return last


def with_duration(data: bytes, ms: float) -> bytes:
    """The WebM ``data`` with a Duration of ``ms`` (in the default TimecodeScale, 1 ms) in
    its Segment Info. The Segment of a recording has an unknown size, so only the Info
    element's size changes."""
    i = _segment_start(data)
    while True:
        ident, n = _id(data, i)
        size, m = _size(data, i + n)
        if ident == 0x1549A966:  # Info
            break
        i += n + m + size
    body = data[i + n + m:i + n + m + size] + b"\x44\x89\x88" + struct.pack(">d", ms)
    info = b"\x15\x49\xa9\x66" + (0x01 << 56 | len(body)).to_bytes(8, "big") + body
    return data[:i] + info + data[i + n + m + size:]


def silent_mp3(seconds: float) -> bytes:
    """MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, mono: ``seconds`` of silent frames."""
    frame = b"\xff\xfb\x90\xc4" + bytes(413)  # 417 bytes, 1152 samples each
    return frame * max(1, round(seconds * 44100 / 1152))


def png(width: int = 16, height: int = 9, rgb: tuple[int, int, int] = (40, 90, 160)) -> bytes:
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload)))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                               0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def media_course(dest: Path, video: bytes) -> Path:
    """The media fixture course in ``dest``, with its video, audio and poster made."""
    shutil.copytree(FIXTURE, dest, dirs_exist_ok=True)
    modules = dest / "modules"
    (modules / "clip.webm").write_bytes(video)
    (modules / "tone.mp3").write_bytes(silent_mp3(1))
    (modules / "clip-poster.png").write_bytes(png())
    return dest
