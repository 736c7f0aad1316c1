"""Files and paths: nothing a user owns is lost or replaced, every reader is capped.

Writers go through symlinks to the real file, write devices and FIFOs plainly, refuse
directories and sockets, never leave temporary files, and name the user's file in every
error. Reports only replace directories they marked as their own. Signals and closed pipes
end the command line cleanly. Readers name the file and cap what they inflate.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import io
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs

from oneneuron import LogisticRegression, load, textbook
from oneneuron._files import (
    REPORT_MARKER,
    atomic_write,
    atomic_write_bytes,
    read_capped,
    staged_directory,
)
from oneneuron.cli import main
from oneneuron.datasets import load_table, read_idx, read_table

POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX file types")
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run_cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in argv])
    return status, out.getvalue(), err.getvalue()


def cli_process(*args, cwd=None, **kw):
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "oneneuron", *map(str, args)], cwd=cwd, env=env, **kw
    )


def hidden(directory):
    """Temporary files or directories left in ``directory``."""
    return sorted(p.name for p in Path(directory).iterdir() if ".tmp" in p.name)


@pytest.fixture(scope="module")
def fitted():
    X, y = make_blobs(n_samples=60, centers=2, random_state=0)
    return LogisticRegression().fit(X, y)


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    X, y = make_blobs(n_samples=400, centers=[[-2, 0], [2, 1]], random_state=1)
    frame = pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "label": y})
    path = tmp_path_factory.mktemp("data") / "train.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def model_file(table, tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "model.json"
    status, _, err = run_cli(["train", table, "--target", "label", "--out", path, "--quiet"])
    assert status == 0, err
    return path


# ---------------------------------------------------------------------- special outputs
@POSIX
def test_symlink_is_written_through_and_stays_a_link(fitted, tmp_path):
    real = tmp_path / "models" / "real.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(Path("models") / "real.json")  # a relative link
    fitted.save(link)
    assert link.is_symlink() and os.readlink(link) == str(Path("models") / "real.json")
    assert load(real).coef_.tolist() == fitted.coef_.tolist()
    assert hidden(tmp_path) == [] and hidden(real.parent) == []


@POSIX
def test_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "target.txt")
    atomic_write_bytes(link, b"data")
    assert link.is_symlink() and (tmp_path / "target.txt").read_bytes() == b"data"


@POSIX
def test_symlink_loop_is_a_clear_error(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(OSError) as info:
        atomic_write_bytes(a, b"x")
    assert str(a) in str(info.value)
    assert a.is_symlink() and b.is_symlink()


@POSIX
def test_fifo_is_written_plainly(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    atomic_write_bytes(fifo, b"through the pipe")
    reader.join(10)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


@POSIX
def test_character_device_is_written_not_replaced(fitted, tmp_path):
    if ROOT:  # our own null device, so that a bug cannot replace the system's /dev/null
        device = tmp_path / "null"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    else:
        device = Path("/dev/null")
    before = os.stat(device)
    fitted.save(device)
    textbook.save_parameters({"W": np.ones((2, 1)), "b": 0.0}, device)
    after = os.stat(device)
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino
    if ROOT:
        assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


@POSIX
def test_dev_stdout_redirected_to_a_file_is_appended_to_not_replaced(tmp_path):
    out = tmp_path / "out.txt"
    code = (
        "import sys; from oneneuron._files import atomic_write_bytes; "
        "print('before', flush=True); atomic_write_bytes('/dev/stdout', b'written\\n'); "
        "print('after')"
    )
    with open(out, "wb") as f:
        subprocess.run([sys.executable, "-c", code], stdout=f, check=True)
    assert out.read_text() == "before\nwritten\nafter\n"


@pytest.mark.parametrize("kind", ["directory", "socket"])
def test_directories_and_sockets_are_refused(tmp_path, kind):
    target = tmp_path / "target"
    if kind == "directory":
        target.mkdir()
        (target / "keep").write_text("mine")
    else:
        if not hasattr(socket, "AF_UNIX"):
            pytest.skip("no Unix sockets")
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(target))
    try:
        with pytest.raises(ValueError, match=f"{target}.*{kind}"):
            atomic_write_bytes(target, b"x")
    finally:
        if kind == "socket":
            sock.close()
    assert hidden(tmp_path) == []
    if kind == "directory":
        assert (target / "keep").read_text() == "mine"


def test_long_file_names_can_be_saved(fitted, tmp_path):
    name = "m" * 245 + ".json"  # 250 characters: legal, but no room for a longer temp name
    fitted.save(tmp_path / name)
    assert load(tmp_path / name).coef_.tolist() == fitted.coef_.tolist()
    fitted.save(tmp_path / name)  # and replaced
    png = "p" * 246 + ".png"
    status, _, err = run_cli(["plot", tmp_path / name, "--kind", "curves", "--out", tmp_path / png])
    assert status == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, png])


def test_errors_name_the_users_file_not_the_temporary_one(tmp_path):
    target = tmp_path / "result.bin"

    def fail(tmp):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp))

    with pytest.raises(OSError) as info:
        atomic_write(target, fail)
    assert str(target) in str(info.value) and ".tmp" not in str(info.value)

    def fail_text(tmp):
        raise ValueError(f"cannot encode {tmp}")

    with pytest.raises(ValueError, match=r"result\.bin") as info2:
        atomic_write(target, fail_text)
    assert ".tmp" not in str(info2.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(ROOT or os.name != "posix", reason="root may write anything")
def test_read_only_file_and_directory_are_refused(fitted, tmp_path):
    ro = tmp_path / "ro.json"
    ro.write_text("keep")
    ro.chmod(0o444)
    with pytest.raises(PermissionError, match="read-only"):
        fitted.save(ro)
    assert ro.read_text() == "keep"
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(PermissionError, match=str(locked / "m.json")):
            fitted.save(locked / "m.json")
    finally:
        locked.chmod(0o755)


# ---------------------------------------------------------------------------- --out -
def test_out_dash_means_stdout(model_file, table, tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "oneneuron",
            "train",
            str(table),
            "--target",
            "label",
            "--out",
            "-",
            "--quiet",
        ],
        capture_output=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    saved = tmp_path / "from-stdout.json"
    saved.write_bytes(proc.stdout)
    assert load(saved).n_features_in_ == 2  # stdout holds the model file and nothing else
    assert b"training accuracy" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["from-stdout.json"]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "oneneuron",
            "plot",
            str(model_file),
            "--kind",
            "curves",
            "--out",
            "-",
        ],
        capture_output=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(b"\x89PNG")
    status, out, err = run_cli(["predict", model_file, table, "--out", "-"])
    assert status == 0 and out.startswith("prediction\n"), err


# ---------------------------------------------------------------------------- reports
def _report_files(directory):
    return sorted(p.name for p in Path(directory).iterdir())


def test_report_into_dot_keeps_the_working_directory(tmp_path):
    here = tmp_path / "here"
    here.mkdir()
    before = os.stat(here).st_ino
    proc = cli_process("demo", "blobs", "--out", ".", "--epochs", "2", "--quiet", cwd=here,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert os.stat(here).st_ino == before  # the directory was filled, not swapped
    assert "index.html" in _report_files(here) and REPORT_MARKER in _report_files(here)
    (here / "notes.txt").write_text("mine")
    proc = cli_process("demo", "xor", "--out", ".", "--epochs", "2", "--quiet", cwd=here,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert (here / "notes.txt").read_text() == "mine"
    assert hidden(here) == [] and hidden(tmp_path) == []


def test_report_removes_only_its_own_stale_files(tmp_path):
    report = tmp_path / "r"
    with staged_directory(report) as tmp:
        (tmp / "a.png").write_text("a")
        (tmp / "b.png").write_text("b")
    assert _report_files(report) == sorted([REPORT_MARKER, "a.png", "b.png"])
    (report / "mine.txt").write_text("mine")
    with staged_directory(report) as tmp:
        (tmp / "a.png").write_text("a2")
    assert _report_files(report) == sorted([REPORT_MARKER, "a.png", "mine.txt"])
    assert (report / "a.png").read_text() == "a2"


def test_a_forged_marker_cannot_delete_outside_the_report(tmp_path):
    report = tmp_path / "r"
    report.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    forged = {"format": "oneneuron-report", "files": ["../victim.txt", "/etc/hostname", ".."]}
    (report / REPORT_MARKER).write_text(json.dumps(forged))
    with staged_directory(report) as tmp:
        (tmp / "index.html").write_text("new")
    assert victim.read_text() == "precious"
    assert (report / "index.html").read_text() == "new"


@pytest.mark.parametrize("content", ["index.html", "photo.jpg", "bad-marker"])
def test_report_refuses_directories_it_did_not_write(tmp_path, content):
    target = tmp_path / "target"
    target.mkdir()
    name = REPORT_MARKER if content == "bad-marker" else content
    (target / name).write_text("not json" if content == "bad-marker" else "mine")
    with pytest.raises(ValueError, match="not a report written by oneneuron"):
        with staged_directory(target):
            raise AssertionError("not reached")  # pragma: no cover
    assert _report_files(target) == [name]
    assert hidden(tmp_path) == []


def test_report_through_a_symlink_and_onto_a_file(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    with staged_directory(link) as tmp:
        (tmp / "index.html").write_text("x")
    assert link.is_symlink() and (real / "index.html").read_text() == "x"
    afile = tmp_path / "file"
    afile.write_text("mine")
    with pytest.raises(ValueError, match="not a directory"):
        with staged_directory(afile):
            pass  # pragma: no cover
    assert afile.read_text() == "mine"


def test_failed_report_leaves_earlier_report_intact(tmp_path):
    report = tmp_path / "r"
    with staged_directory(report) as tmp:
        (tmp / "index.html").write_text("first")
    with pytest.raises(KeyboardInterrupt):
        with staged_directory(report) as tmp:
            (tmp / "index.html").write_text("second")
            raise KeyboardInterrupt
    assert (report / "index.html").read_text() == "first"
    assert hidden(report) == [] and hidden(tmp_path) == []


# ---------------------------------------------------------------------------- signals
@POSIX
def test_sigterm_during_a_report_leaves_nothing(tmp_path):
    out = tmp_path / "report"
    proc = cli_process("demo", "digits", "--out", out, "--epochs", "400",
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 60
    while not hidden(tmp_path) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert hidden(tmp_path), "the report was never staged"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert b"terminated" in err and b"Traceback" not in err
    assert list(tmp_path.iterdir()) == [], err.decode()


@POSIX
@pytest.mark.parametrize("delay", [0.15, 0.3, 0.6, 1.0])
def test_ctrl_c_at_start_up_prints_no_traceback(model_file, delay):
    """From the moment the interpreter runs oneneuron's code (the interpreter's own
    start-up, some 30 ms, is not ours to handle), Ctrl-C ends quietly. Before the fix
    the import of scikit-learn made a one-second window where it printed a traceback."""
    proc = cli_process("info", model_file, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err, err.decode()
    assert proc.returncode in (0, 130, -signal.SIGINT), err


@POSIX
def test_closed_pipe_ends_quietly(model_file, tmp_path):
    big = tmp_path / "big.csv"
    rng = np.random.default_rng(0)
    pd.DataFrame(rng.normal(size=(200_000, 2)), columns=["x1", "x2"]).to_csv(big, index=False)
    proc = cli_process("predict", model_file, big, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline() == b"prediction\n"
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read()
    proc.wait(60)
    assert err == b"", err.decode()
    assert proc.returncode in (0, 141)


# ---------------------------------------------------------------------------- readers
def test_non_utf8_csv_is_named(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("x1,x2,label\n1,2,caf\xe9\n3,4,th\xe9\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1\.csv: not UTF-8"):
        load_table(path, "label")
    status, _, err = run_cli(["train", path, "--target", "label", "--out", tmp_path / "m"])
    assert status == 2 and "latin1.csv: not UTF-8" in err


@pytest.mark.parametrize("body", [b"not gzip at all", b"\x1f\x8b\x08\x00garbage", b""])
def test_bad_gzip_is_named(tmp_path, body):
    path = tmp_path / "t.csv.gz"
    path.write_bytes(body)
    with pytest.raises(ValueError, match=r"t\.csv\.gz"):
        read_table(path)


def test_gzip_bomb_stops_at_the_cap(tmp_path):
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb") as f:
        f.write(b"x1,x2,label\n")
        f.write(b"0,0,0\n" * 200_000)  # 1.2 MB of text from a few KB
    assert path.stat().st_size < 20_000
    with pytest.raises(ValueError, match=r"bomb\.csv\.gz: inflates to more than"):
        read_table(path, max_bytes=100_000)
    assert len(read_table(path)) == 200_000  # under the default cap


def test_plain_csv_named_gz_and_gzip_named_csv(tmp_path):
    gz = tmp_path / "fake.csv.gz"
    gz.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a gzip file"):
        read_table(gz)
    real = tmp_path / "real.csv"
    real.write_bytes(gzip.compress(b"a,b\n1,2\n"))
    assert read_table(real).to_dict("list") == {"a": [1], "b": [2]}


def test_malformed_parquet_is_named(tmp_path):
    path = tmp_path / "t.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(ValueError, match=r"t\.parquet: not a readable Parquet file"):
        read_table(path)


def _idx(shape, data=b"", code=0x08):
    head = bytes([0, 0, code, len(shape)]) + b"".join(int(s).to_bytes(4, "big") for s in shape)
    return head + data


@pytest.mark.parametrize(
    "raw, message",
    [
        (_idx((2**31, 2**31, 2**31)), "more than"),  # a header that declares exabytes
        (_idx((0xFFFFFFFF, 2)), "more than"),  # what a signed read would take as -1
        (_idx((3,), b"\x01\x02"), "truncated IDX data"),
        (_idx((2,), b"\x01\x02\x03"), "trailing bytes"),
        (b"\x00\x00\x08", "too short"),
        (_idx((2, 2))[:9], "truncated IDX header"),
        (b"\x01\x02\x08\x01", "bad IDX magic"),
    ],
)
def test_malformed_idx_is_named(tmp_path, raw, message):
    for name, body in (("plain", raw), ("gz", gzip.compress(raw))):
        path = tmp_path / f"{name}-idx"
        path.write_bytes(body)
        with pytest.raises(ValueError, match=message) as info:
            read_idx(path)
        assert str(path) in str(info.value)


def test_idx_gzip_bomb_is_refused_from_its_header(tmp_path):
    path = tmp_path / "bomb-idx.gz"
    path.write_bytes(gzip.compress(_idx((10_000, 1000), bytes(10_000_000))))
    with pytest.raises(ValueError, match="more than the 1,000,000"):
        read_idx(path, max_bytes=1_000_000)
    assert read_idx(path).shape == (10_000, 1000)


def test_parameter_files_are_capped_and_strict(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    textbook.save_parameters({"W": np.ones((3, 1)), "b": 0.5}, path)
    monkeypatch.setattr(textbook, "MAX_PARAMETER_BYTES", 10)
    with pytest.raises(ValueError, match="larger than 10 bytes"):
        textbook.load_parameters(path)
    monkeypatch.undo()
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match="deep.json"):
        textbook.load_parameters(deep)
    nan = tmp_path / "nan.json"
    nan.write_text('{"format": "oneneuron-parameters", "version": 1, "W": [NaN], "b": 0}')
    with pytest.raises(ValueError, match="nan.json.*NaN"):
        textbook.load_parameters(nan)


def test_read_capped(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"12345")
    assert read_capped(path, 5) == b"12345"
    with pytest.raises(ValueError, match="larger than 4 bytes"):
        read_capped(path, 4)


def test_the_parser_lists_every_data_set_without_importing_them():
    from oneneuron.cli._parser import DEMO_DATASETS
    from oneneuron.datasets import DATASETS

    assert DEMO_DATASETS == list(DATASETS)
    code = "import sys, oneneuron.cli._parser; print('numpy' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "False", proc.stderr


def test_an_error_in_cleanup_does_not_hide_an_interrupt(tmp_path, monkeypatch):
    """matplotlib's animation writer raises IndexError from its cleanup when Ctrl-C
    comes before the first frame; the interrupt, not the IndexError, must reach the user."""

    @contextlib.contextmanager
    def fragile():
        try:
            yield
        finally:
            raise IndexError("list index out of range")

    def write(tmp):
        with fragile():
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "out.gif", write)
    assert list(tmp_path.iterdir()) == []

    from oneneuron import plotting

    def interrupted_animation(*args, **kwargs):
        with fragile():
            raise KeyboardInterrupt

    monkeypatch.setattr(plotting, "animate_training", interrupted_animation)
    status, _, err = run_cli(["demo", "blobs", "--out", tmp_path / "r", "--epochs", "2"])
    assert status == 130 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_inside_an_import_callback_is_sent_again(monkeypatch):
    """A KeyboardInterrupt raised in importlib's module-lock callback would be printed as
    "Exception ignored" and dropped: there the CLI's handler sends SIGINT again instead."""
    import importlib._bootstrap as bootstrap

    from oneneuron import cli

    sent = []
    monkeypatch.setattr(cli.os, "kill", lambda pid, sig: sent.append((pid, sig)))
    namespace = {"__name__": bootstrap.__name__}
    exec("def cb():\n    import sys\n    return sys._getframe()", namespace)
    inside = namespace["cb"]()
    cli._on_sigint(signal.SIGINT, inside)
    assert sent == [(os.getpid(), signal.SIGINT)]
    with pytest.raises(KeyboardInterrupt):
        cli._on_sigint(signal.SIGINT, sys._getframe())
    assert len(sent) == 1


@POSIX
def test_the_cli_keeps_an_ignored_sigint_ignored():
    """A background job's SIGINT is ignored; the command line leaves it so."""
    code = (
        "import signal, sys\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "from oneneuron import cli\n"
        "with cli._termination_raises():\n"
        "    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "ok", out.stderr
