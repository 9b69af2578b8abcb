"""Hostile and broken input through the CLI: the documented code and exit status, quickly,
with no partial output. Also: no network access anywhere in the pipeline."""

from __future__ import annotations

import socket
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from nghiquyet.cli import main
from tests.conftest import FIXTURES_PDF, ROOT, SEED
from tests.test_diagnostics import _cp1258

PDF_DIR = ROOT / "tests" / "fixtures" / "pdf"
SEED_TEXT = SEED.read_text(encoding="utf-8")


def _pdf(name: str) -> bytes:
    return (PDF_DIR / name).read_bytes()


def _legacy(kind: str) -> Callable[[], bytes]:
    def make() -> bytes:
        from nghiquyet.readers import legacy

        text = SEED_TEXT.replace("Ð", "Đ").replace("t\u0301ìm", "tìm")
        return legacy.encode_tcvn3(text) if kind == "tcvn3" else legacy.encode_vni(text)
    return make


def _docx_bomb() -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (300 * 1024 * 1024) + b"</w:document>")
    return buffer.getvalue()


# name → (file name, bytes factory, expected exit, expected code in stderr or None)
CASES: dict[str, tuple[str, Callable[[], bytes], int, str | None]] = {
    "empty": ("a.txt", lambda: b"", 4, "NQ100"),
    "whitespace-only": ("a.txt", lambda: b"  \n\t \r\n", 4, "NQ100"),
    "binary-junk": ("a.txt", lambda: bytes(range(256)) * 64, 4, "NQ106"),
    "png-renamed-pdf": ("a.pdf", lambda: b"\x89PNG\r\n\x1a\n" + bytes(200), 4, "NQ104"),
    "old-doc": ("a.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), 4, "NQ107"),
    "utf16-no-bom": ("a.txt", lambda: SEED_TEXT.encode("utf-16-le"), 0, "NQ110"),
    "windows-1258": ("a.txt", lambda: _cp1258(SEED_TEXT.replace("Ð", "Đ")), 0, "NQ110"),
    "tcvn3": ("a.txt", _legacy("tcvn3"), 0, "NQ111"),
    "vni": ("a.txt", _legacy("vni"), 0, "NQ111"),
    "nul-and-control": ("a.txt", lambda: SEED_TEXT.replace("Điều 2.", "Điều\x00 2.\x07").encode(),
                        0, "NQ125"),
    "not-a-resolution": ("a.txt", lambda: "QUYẾT ĐỊNH\nVề việc thử\n\nĐiều 1. Thử.\n".encode(),
                         0, "NQ200"),
    "news-article": ("a.txt", lambda: ("Hôm nay trời đẹp. Người dân đi chợ đông vui.\n" * 5).encode(),
                     0, "NQ404"),
    "every-section-missing": ("a.txt", lambda: "Nội dung không có phần nào.\n".encode(), 0, "NQ402"),
    "line-of-1mb": ("a.txt", lambda: ("NGHỊ QUYẾT\n" + "chữ " * 262_144 + "\n").encode(), 0, "NQ116"),
    "html-hostile": ("a.html", lambda: (ROOT / "tests/fixtures/html/hostile.html").read_bytes(), 0, None),
    "html-external-entity": ("a.html", lambda: (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<html><body><p>NGHỊ QUYẾT &e;</p></body></html>').encode(), 0, "NQ140"),
    "docx-zip-bomb": ("a.docx", _docx_bomb, 4, "NQ105"),
    "scanned-pdf": ("a.pdf", lambda: _pdf("nq15_scanned.pdf"), 4, "NQ101"),
    "truncated-pdf-half": ("a.pdf", lambda: _pdf("nq15_hd.pdf")[: len(_pdf("nq15_hd.pdf")) // 2], 4, "NQ103"),
    "truncated-pdf-head": ("a.pdf", lambda: _pdf("nq15_hd.pdf")[:1000], 4, "NQ103"),
    "missing-glyphs-pdf": ("a.pdf", lambda: _pdf("nq15_reportlab_missing_glyphs.pdf"), 0, "NQ113"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_matrix(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name, make, exit_code, code = CASES[case]
    source = tmp_path / name
    source.write_bytes(make())
    out = tmp_path / "out" / "result.json"
    start = time.monotonic()
    got = main(["parse", str(source), "-o", str(out), "--fail-on", "never", "-v"])
    elapsed = time.monotonic() - start
    err = capsys.readouterr().err
    assert got == exit_code, err[-2000:]
    if code is not None:
        assert code in err
    assert elapsed < 10
    if exit_code:
        assert not out.exists()
    else:
        assert out.exists()
        assert "root:x:0:0" not in out.read_text(encoding="utf-8")
    assert not [p for p in tmp_path.rglob("*.tmp")], "partial output left behind"


@pytest.mark.parametrize("target", ["file:///etc/passwd", "http://127.0.0.1:9/evil.dtd"])
def test_akn_with_external_entity_reads_nothing(target: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    evil = tmp_path / "evil.akn.xml"
    evil.write_text(f'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "{target}">]>'
                    '<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">'
                    '<statement name="x">&e;</statement></akomaNtoso>', encoding="utf-8")
    assert main(["validate", str(evil)]) == 1
    err = capsys.readouterr().err
    assert "NQ505" in err and "root:" not in err
    import nghiquyet
    from nghiquyet.errors import UnsafeInputError

    with pytest.raises(UnsafeInputError):
        nghiquyet.from_akn(evil.read_bytes())


def test_size_limit_refuses_a_200mb_file_without_reading_it(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # a sparse file: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1024 * 1024)
    start = time.monotonic()
    assert main(["parse", str(big)]) == 4
    assert time.monotonic() - start < 2
    assert "NQ105" in capsys.readouterr().err


def test_read_only_output_folder_gives_a_clear_error(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import os

    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user that ignores permissions (root)")
        assert main(["parse", str(SEED), "-o", str(folder / "x.json")]) != 0
        assert not list(folder.iterdir())
    finally:
        folder.chmod(0o700)


def test_disk_full_gives_a_clear_error_and_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import errno
    import os

    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "x.json"
    assert main(["parse", str(SEED), "-o", str(out)]) == 1
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert "NQ604" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_output_below_a_file_gives_a_clear_error(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    assert main(["parse", str(SEED), "-o", str(blocker / "x.json")]) == 1
    assert "NQ604" in capsys.readouterr().err


class _NoNetwork(Exception):
    pass


def _refuse(*args: object, **kwargs: object) -> None:
    raise _NoNetwork(f"network access attempted: {args!r}")


def test_whole_pipeline_runs_with_sockets_blocked(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    import nghiquyet
    from nghiquyet.validate import validate_files

    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    inputs = [SEED, PDF_DIR / "nq15_hd.pdf", ROOT / "corpus/hai-duong/2023-nq15-portal.html",
              ROOT / "tests/fixtures/docx/nq15_hd.docx"]
    for path in inputs:
        document = nghiquyet.parse_file(path).document
        (tmp_path / f"{path.stem}.json").write_text(nghiquyet.to_json(document), encoding="utf-8")
        (tmp_path / f"{path.stem}.akn.xml").write_bytes(nghiquyet.to_akn(document))
        title = nghiquyet.from_akn(nghiquyet.to_akn(document)).header.title
        assert title is not None and document.header.title is not None
        assert title.text == document.header.title.text
    assert validate_files(sorted(tmp_path.iterdir())) == []
    if FIXTURES_PDF.is_dir():
        nghiquyet.parse_file(FIXTURES_PDF / "nq15_reportlab.pdf", pdf_engine="pdfium")


def test_untrusted_markup_is_parsed_in_one_place() -> None:
    """Every lxml parse of untrusted input goes through nghiquyet.safexml."""
    import re

    offenders = []
    for path in (ROOT / "src" / "nghiquyet").rglob("*.py"):
        if path.name == "safexml.py":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"etree\.fromstring\(", r"etree\.parse\(", r"html\.fromstring\(",
                        r"etree\.XMLParser\(", r"HTMLParser\(", r"document_fromstring\("):
            for m in re.finditer(pattern, text):
                line = text.count("\n", 0, m.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}")
    # the vendored XSD is trusted package data, loaded in validate.akn_schema
    offenders = [o for o in offenders if not o.startswith("src/nghiquyet/validate.py")]
    assert offenders == []


def test_500_articles_and_10_levels_of_nesting(tmp_path: Path) -> None:
    import nghiquyet

    parts = ["NGHỊ QUYẾT", "Về việc thử", "QUYẾT NGHỊ:"]
    for number in range(1, 501):
        parts += [f"Điều {number}. Nội dung {number}:", "I. MỤC", "1. Khoản", "1.1. Mục",
                  "1.1.1. Mục nhỏ", "a) Điểm", "(1) Ý", "- Gạch", "+ Cộng", "• Chấm", "Đoạn cuối."]
    text = "\n".join(parts)
    start = time.monotonic()
    document = nghiquyet.parse(text).document
    assert time.monotonic() - start < 10
    articles = document.articles()
    assert len(articles) == 500
    depth, node = 0, articles[-1]
    while node.children and hasattr(node.children[0], "children"):
        node = node.children[0]  # type: ignore[assignment]
        depth += 1
    assert depth >= 8
    out = tmp_path / "big.akn.xml"
    out.write_bytes(nghiquyet.to_akn(document))
    from nghiquyet.validate import validate_akn

    assert validate_akn(out.read_bytes()) == []


def test_akn_bytes_do_not_depend_on_the_hash_seed() -> None:
    import subprocess
    import sys

    code = ("import sys, nghiquyet; d = nghiquyet.parse_file('corpus/hai-duong/2023-ktxh.txt').document;"
            "sys.stdout.buffer.write(nghiquyet.to_akn(d))")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                           env={"PYTHONHASHSEED": seed, "PATH": ""}, cwd=str(ROOT)).stdout
            for seed in ("0", "7", "4242")}
    assert len(outs) == 1


def test_sigkill_at_random_points_in_20_runs_then_resume(tmp_path: Path) -> None:
    """20 runs of `convert`, each SIGKILLed after a random delay (start-up, mid-file,
    mid-write, mid-report); a last run finishes the job and the outputs equal a clean run's."""
    import os
    import random
    import subprocess
    import sys

    from nghiquyet.batch import convert

    src = tmp_path / "src"
    src.mkdir()
    seed_bytes = SEED.read_bytes()
    for i in range(40):  # a small archive with some variety so that outputs differ
        (src / f"nq-{i:02d}.txt").write_bytes(seed_bytes.replace(b"19", str(i).encode(), 1))
    (src / "broken.txt").write_bytes(b"")
    clean = tmp_path / "clean"
    list(convert([src], clean, jobs=2))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "nghiquyet", "convert", str(src), "-o", str(out), "--jobs", "2",
           "-q", "--force"]
    rnd = random.Random(20)
    env = {**os.environ, "_NGHIQUYET_BATCH_FAULTS": "sleep:*:0.01"}
    for _ in range(20):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=rnd.uniform(0.2, 1.5))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert main(["convert", str(src), "-o", str(out), "--jobs", "2", "-q"]) == 1  # broken.txt
    def tree(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
                if p.is_file() and p.name != "report.jsonl"}
    assert tree(out) == tree(clean)
    lines = [ln for ln in (out / "report.jsonl").read_text(encoding="utf-8").splitlines() if ln]
    import json

    paths = [json.loads(ln).get("path") for ln in lines if '"summary"' not in ln]
    assert len(paths) == len(set(paths)) == 41
    assert not [p for p in out.rglob("*.tmp")]


def test_2000_page_pdf_is_refused_by_the_page_limit(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from tests.test_readers_pdf import make_pdf, text

    pdf = tmp_path / "huge.pdf"
    pdf.write_bytes(make_pdf([text(72, 700, f"Trang {n}") for n in range(2000)]))
    out = tmp_path / "huge.json"
    start = time.monotonic()
    assert main(["parse", str(pdf), "-o", str(out)]) == 4  # default --max-pages 500
    assert time.monotonic() - start < 10
    assert "NQ105" in capsys.readouterr().err and not out.exists()
    assert main(["parse", str(pdf), "-o", str(out), "--max-pages", "2000", "--fail-on",
                 "never"]) == 0
    assert out.exists()
