"""`council ingest` as a user runs it: a bar on a terminal only, and a summary with passages/s everywhere."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "corpus" / "seeds"
FILES = [str(next(SEEDS.glob(f"{n}_*.txt"))) for n in ("003", "004")]  # the two smallest seed papers
BAR = re.compile(r"\d+%\|")  # tqdm's "100%|####|": any bar, ours or a library's


def _council(home: Path, *args: str, tty: bool = False) -> tuple[int, str, str]:
    """Run the CLI in a child process, stdout a pipe, stderr a pipe or a terminal; (code, stdout, stderr)."""
    env = {**os.environ, "COUNCIL_HOME": str(home), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    cmd = [sys.executable, "-m", "assistant.cli", *args]
    if not tty:
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # a new pty is 0 columns wide
    chunks: list[bytes] = []

    def drain() -> None:  # a terminal's buffer is small: read while the child writes
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:  # the child closed its end
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=follower, text=True, timeout=600)
    finally:
        os.close(follower)
        reader.join(timeout=10)
        os.close(leader)
    return done.returncode, done.stdout, b"".join(chunks).decode("utf-8", "replace")


def test_ingest_in_a_pipe_prints_the_rate_and_no_bar_and_a_terminal_gets_one_unless_quiet(tmp_path: Path):
    home = tmp_path / "home"
    code, out, err = _council(home, "ingest", *FILES)
    assert code == 0, err
    summary, rate = out.strip().splitlines()[-2:]
    assert summary.startswith("2 added, 0 unchanged, 0 replaced, 0 failed (")
    passages = int(re.search(r"\((\d+) passages", summary).group(1))
    m = re.fullmatch(r"(\d+) passages in (\d+\.\d) s \((\d+\.\d) passages/s\)", rate)
    assert m and int(m.group(1)) == passages > 50, rate
    seconds, per_second = float(m.group(2)), float(m.group(3))
    assert per_second == pytest.approx(passages / seconds, rel=0.02, abs=0.06), rate  # both shown rounded
    assert not BAR.search(err) and "\r" not in err, err  # neither ours nor the model loader's

    # On a terminal (the files are unchanged now, so no model calls): a bar counting files, then the summary.
    code, out, err = _council(home, "ingest", *FILES, tty=True)
    assert code == 0 and out.strip().splitlines()[-1].startswith("0 passages in "), out
    assert re.search(r"100%\|.*\| 2/2 ", err) and "0 passages" in err, err
    assert "Loading weights" not in err

    code, out, err = _council(home, "ingest", "--quiet", *FILES, tty=True)
    assert code == 0 and "2 unchanged" in out
    assert not BAR.search(err), err
