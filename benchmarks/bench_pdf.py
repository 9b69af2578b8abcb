"""PDF benchmark: pages/s of the full pipeline with each reader, against pdfplumber's own
``extract_words(extra_attrs=["fontname", "size"])`` over the same pages (the baseline, measured
in the same run, the three run in turns and each ratio the median of the rounds' ratios),
plus peak memory of a 53-page parse in a fresh process.

    python benchmarks/bench_pdf.py [--repeat 5] [--stages]

``--stages`` adds where each pipeline's time goes: for pdfplumber, its page parsing (the
objects that ``extract_words`` works from too), the reader's own work on top of it and the
parser; for pdfium, the reader and the parser.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import nghiquyet
from turns import in_turns, ratio

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "tests" / "fixtures" / "pdf" / "nq15_hd.pdf",
         ROOT.parent / "shared" / "fixtures-pdf" / "nq15_hd_50p.pdf"]


def extract_words_baseline(path: Path) -> int:
    import pdfplumber

    words = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words += len(page.extract_words(extra_attrs=["fontname", "size"]))
            page.close()
    return words


def median_s(fn: Callable[[], object], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pdfplumber_objects(path: Path) -> int:
    """pdfplumber's parsing of every page, the part of the baseline the reader shares."""
    import pdfplumber

    chars = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars += len(page.objects.get("char", []))
            page.close()
    return chars


def stage_times(path: Path, repeat: int) -> dict[str, float]:
    """Median seconds of each stage of both pipelines on one file."""
    from nghiquyet.readers.pdf import read_pdf
    from nghiquyet.readers.pdfium import read_pdf_fast

    data = path.read_bytes()
    return {
        "pdfplumber_objects_s": median_s(lambda: pdfplumber_objects(path), repeat),
        "pdfplumber_reader_s": median_s(lambda: read_pdf(data, path.name), repeat),
        "pdfium_reader_s": median_s(lambda: read_pdf_fast(data, path.name), repeat),
    }


def print_stages(stages: dict[str, float], result: dict[str, float]) -> None:
    objects, reader = stages["pdfplumber_objects_s"], stages["pdfplumber_reader_s"]
    fast = stages["pdfium_reader_s"]
    plumber_parser, fast_parser = result["pdfplumber_s"] - reader, result["pdfium_s"] - fast
    print(f"{'':<22} stages: pdfplumber objects {objects * 1000:.0f} ms, reader's own work "
          f"{(reader - objects) * 1000:.0f} ms, parser {plumber_parser * 1000:.0f} ms; "
          f"pdfium reader {fast * 1000:.1f} ms, parser {fast_parser * 1000:.1f} ms")


PEAK = """
import sys, nghiquyet
nghiquyet.parse_file(sys.argv[1], pdf_engine=sys.argv[2])
for line in open('/proc/self/status'):
    if line.startswith('VmHWM'):
        print(int(line.split()[1]) / 1024)
"""


def peak_mb(path: Path, engine: str) -> float:
    out = subprocess.run([sys.executable, "-c", PEAK, str(path), engine], capture_output=True,
                         text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--stages", action="store_true", help="also time each stage")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    print(f"{'file':<22} {'pages':>5} {'extract_words':>14} {'pdfplumber':>11} {'ratio':>6}"
          f" {'pdfium':>9} {'ratio':>6} {'speed-up':>8}")
    for path in FILES:
        if not path.exists():
            print(f"{path.name}: absent, skipped")
            continue
        import pypdfium2

        pages = len(pypdfium2.PdfDocument(str(path)))
        base_t, plumber_t, fast_t = in_turns(
            [lambda p=path: extract_words_baseline(p),
             lambda p=path: nghiquyet.parse_file(p, pdf_engine="pdfplumber"),
             lambda p=path: nghiquyet.parse_file(p, pdf_engine="pdfium")], args.repeat)
        base, plumber, fast = (statistics.median(t) for t in (base_t, plumber_t, fast_t))
        results[path.name] = {
            "pages": pages, "extract_words_s": base, "pdfplumber_s": plumber, "pdfium_s": fast,
            "pdfplumber_pages_per_s": pages / plumber, "pdfium_pages_per_s": pages / fast,
            "pdfplumber_vs_extract_words": ratio(plumber_t, base_t),
            "pdfium_vs_extract_words": ratio(fast_t, base_t),
            "pdfium_speedup": ratio(plumber_t, fast_t),
            "peak_mb_pdfplumber": peak_mb(path, "pdfplumber"),
            "peak_mb_pdfium": peak_mb(path, "pdfium"),
        }
        r = results[path.name]
        print(f"{path.name:<22} {pages:>5} {base * 1000:>11.0f} ms {plumber * 1000:>8.0f} ms"
              f" {r['pdfplumber_vs_extract_words']:>5.2f}× {fast * 1000:>6.0f} ms"
              f" {r['pdfium_vs_extract_words']:>5.2f}× {r['pdfium_speedup']:>7.1f}×")
        print(f"{'':<22} pages/s: pdfplumber {r['pdfplumber_pages_per_s']:.1f}, pdfium "
              f"{r['pdfium_pages_per_s']:.1f}; peak RSS {r['peak_mb_pdfplumber']:.0f} MB / "
              f"{r['peak_mb_pdfium']:.0f} MB")
        if args.stages:
            stages = stage_times(path, args.repeat)
            r.update(stages)
            print_stages(stages, r)
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pdf.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
