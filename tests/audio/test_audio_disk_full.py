"""A disk that fills up while a WAV is written: one sentence, no partial file, no
traceback (the ``wave`` writer's clean-up used to fail loudly on a closed file)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

from tests.test_cli_send_safety import _fill, small_disk  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]
CHILD = (
    "import signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
    "from tui.cli.main import main; sys.exit(main(sys.argv[1:]))"
)


def test_a_full_disk_is_one_sentence_and_leaves_nothing(
    tmp_path: Path,
    small_disk: Path | None,  # noqa: F811
) -> None:
    source = tmp_path / "tone.wav"
    subprocess.run(
        [
            "sox",
            "-n",
            "-r",
            "44100",
            "-c",
            "1",
            "-b",
            "16",
            str(source),
            "synth",
            "3",
            "sine",
            "440",
        ],
        check=True,
    )
    folder = small_disk if small_disk is not None else tmp_path / "out"
    folder.mkdir(exist_ok=True)
    if small_disk is not None:
        _fill(small_disk)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, "audio", "convert", str(source), str(folder / "out.wav")],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if small_disk is None:  # no mount here: no file may grow past 30 kB (the WAV is 48 kB)
        resource.prlimit(child.pid, resource.RLIMIT_FSIZE, (30_000, resource.RLIM_INFINITY))
    _, err = child.communicate(timeout=120)
    text = err.decode()
    assert child.returncode == 2, text
    assert "Traceback" not in text and "Exception ignored" not in text
    assert "nothing was written" in text.lower()
    assert not (folder / "out.wav").exists()
    assert [p.name for p in folder.iterdir() if p.name.endswith(".part")] == []
