"""``nghiquyet fuzz``: property-based fuzzing of the readers, the parser and the loaders.

Runs hypothesis outside pytest with a large example count (default 20,000 per property):
the text parser never raises and stays lossless on arbitrary Unicode and on corpus lines
shuffled, cut and recombined; ``parse_bytes`` raises nothing but a ``ReaderError`` on corpus
bytes with random corruption; ``from_json`` rejects mutated documents only with
``SchemaError``; ``from_akn`` rejects mutated AKN only with a ``NghiquyetError``. Needs the
``dev`` extra (hypothesis).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _properties(corpus_text: str, examples: int) -> dict[str, Callable[[], None]]:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    import nghiquyet
    from nghiquyet.errors import NghiquyetError, ReaderError, SchemaError
    from nghiquyet.lossless import lost_characters

    lines = corpus_text.splitlines()
    config = settings(max_examples=examples, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
    seed_doc = nghiquyet.parse(corpus_text).document
    seed_json = json.loads(nghiquyet.to_json(seed_doc))

    def check_text(text: str) -> None:
        try:
            result = nghiquyet.parse(text)
        except ReaderError:
            return
        lost = lost_characters(text, result.document)
        assert not lost, f"text lost: {dict(lost)}"

    @config
    @given(st.text(max_size=2000))
    def arbitrary_unicode(text: str) -> None:
        check_text(text)

    @config
    @given(st.lists(st.sampled_from(lines), max_size=120), st.randoms(use_true_random=False),
           st.integers(0, 40))
    def shuffled_cut_recombined(chosen: list[str], rnd: random.Random, cut: int) -> None:
        rnd.shuffle(chosen)
        pieces = [line[cut:] if rnd.random() < 0.2 else line for line in chosen]
        if pieces and rnd.random() < 0.3:
            k = rnd.randrange(len(pieces))
            pieces[k] = pieces[k] + " " + rnd.choice(lines)
        check_text("\n".join(pieces))

    data = corpus_text.encode("utf-8")

    @config
    @given(st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), max_size=60),
           st.integers(0, len(data)))
    def corrupted_bytes(edits: list[tuple[int, int]], cut: int) -> None:
        buffer = bytearray(data[:cut] if cut > 10 else data)
        for position, value in edits:
            if position < len(buffer):
                buffer[position] = value
        try:
            nghiquyet.parse_bytes(bytes(buffer), "fuzz.txt")
        except ReaderError:
            pass

    paths: list[list[Any]] = []

    def collect(node: Any, path: list[Any]) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for key, value in node.items():
                collect(value, [*path, key])
        elif isinstance(node, list):
            for index, value in enumerate(node):
                collect(value, [*path, index])

    collect(seed_json, [])
    junk = st.one_of(st.none(), st.integers(), st.text(max_size=8), st.booleans(),
                     st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3),
                                                                         st.integers(), max_size=2))

    @config
    @given(st.sampled_from(paths[1:]), junk)
    def mutated_json(path: list[Any], value: Any) -> None:
        document = json.loads(json.dumps(seed_json))
        node = document
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        try:
            nghiquyet.from_json(json.dumps(document))
        except SchemaError:
            pass

    props: dict[str, Callable[[], None]] = {
        "arbitrary-unicode": arbitrary_unicode,
        "shuffled-cut-recombined": shuffled_cut_recombined,
        "corrupted-bytes": corrupted_bytes,
        "mutated-json": mutated_json,
    }
    try:
        from nghiquyet.readers.akn import from_akn
        from nghiquyet.writers.akn import to_akn
    except ImportError:
        return props
    akn = to_akn(seed_doc)

    @config
    @given(st.lists(st.tuples(st.integers(0, len(akn) - 1), st.integers(0, 255)), min_size=1,
                    max_size=20))
    def mutated_akn(edits: list[tuple[int, int]]) -> None:
        buffer = bytearray(akn)
        for position, value in edits:
            buffer[position] = value
        try:
            from_akn(bytes(buffer))
        except NghiquyetError:
            pass

    props["mutated-akn"] = mutated_akn
    return props


def cmd_fuzz(args: argparse.Namespace) -> int:
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        print("nghiquyet fuzz needs hypothesis: pip install 'nghiquyet[dev]'", file=sys.stderr)
        return 2
    corpus = Path(args.corpus).read_text(encoding="utf-8")
    failures = 0
    for name, prop in _properties(corpus, args.examples).items():
        if args.only and name not in args.only:
            continue
        start = time.perf_counter()
        try:
            prop()
        except Exception as exc:  # a property failed: report it, go on with the others
            failures += 1
            print(f"{name}: FAILED after {time.perf_counter() - start:.0f} s: "
                  f"{type(exc).__name__}: {exc}")
        else:
            print(f"{name}: {args.examples} examples passed in {time.perf_counter() - start:.0f} s")
    return 1 if failures else 0


def add_commands(sub: Any) -> None:
    """Add ``nghiquyet fuzz`` to the CLI."""
    p = sub.add_parser("fuzz", help="run the property-based fuzzers (needs the dev extra)")
    p.add_argument("--examples", type=int, default=20_000, help="examples per property")
    p.add_argument("--corpus", default="corpus/hai-duong/2023-ktxh.txt",
                   help="the resolution whose lines and bytes are mutated")
    p.add_argument("--only", nargs="*", help="run only these properties")
    p.set_defaults(func=cmd_fuzz)
