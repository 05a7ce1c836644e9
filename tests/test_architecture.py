"""The import direction of docs/architecture.md, checked on the source (no module is imported).

Every project module belongs to one layer; a module may import its own package and the layers
below it, never a layer above nor a sibling of its own layer. Function-level imports count the
same as top-level ones: an import moved into a function to dodge a cycle is still the cycle.
The table below is the map in docs/architecture.md; change both together.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ml_backend", "active_learning", "label_config")

#: Layer of each package (the longest matching prefix wins), bottom first. Packages on one layer
#: are siblings: neither imports the other (the foundation's modules excepted: they form one room).
LAYERS: dict[str, int] = {
    # 0 foundation: what a card is made of, settings, process setup (the two top packages' own
    #   __init__ are docstrings and count here too)
    "ml_backend": 0,
    "active_learning": 0,
    "ml_backend.schema": 0,
    "ml_backend.config": 0,
    "ml_backend.runtime": 0,
    "ml_backend.progress": 0,
    "ml_backend.local_stack": 0,
    "label_config": 0,
    # 1 text knowledge: word lists, scripts and look-alikes, patterns, given names, towns
    "ml_backend.text": 1,
    # 2 reading: one stage per package/module, in data-flow order (see READING_ORDER)
    "ml_backend.reading": 2,
    # 3 shared services of reading's output
    "ml_backend.studio": 3,                # Label Studio JSON and client
    "ml_backend.registry": 3,              # versioned model directories
    "active_learning.synth": 3,            # card generator
    # 4 learning from annotations, exporting them
    "active_learning.training": 4,
    "active_learning.crm": 4,
    # 5 processes: the loop's jobs and the server
    "active_learning.loop": 5,
    "ml_backend.serving": 5,
    # 6 offline measurement
    "active_learning.bench": 6,
    # 7 entry points: command lines and the default wiring of the server
    "ml_backend.__main__": 7,
    "ml_backend.wiring": 7,                # the server's production dependencies (the RQ queue)
    "active_learning.__main__": 7,
    "active_learning.synth.__main__": 7,
}

#: Inside ``ml_backend.reading`` the stages are ordered too: a stage imports only earlier ones.
READING_ORDER: dict[str, int] = {
    "ml_backend.reading.images": 0,
    "ml_backend.reading.fetch": 1,
    "ml_backend.reading.geometry": 1,      # the original and the upright frame
    "ml_backend.reading.cards": 1,         # where the cards lie on an image of several
    "ml_backend.reading.card_split": 2,    # one image per card (Label Studio import), off the read path
    "ml_backend.reading.ocr": 2,
    "ml_backend.reading.respell": 3,       # Russian words OCR misread, put right before tagging
    "ml_backend.reading.qr": 3,
    "ml_backend.reading.rules": 3,         # the rule table and its runner, used by the normalisers, retag, decoding and validation
    "ml_backend.reading.values": 4,        # per-value normalisers, used by decoding and validation
    "ml_backend.reading.layout": 4,
    "ml_backend.reading.confidence": 5,
    "ml_backend.reading.retag": 5,
    "ml_backend.reading.fields": 6,
    "ml_backend.reading.lines": 7,         # the line evidence: what the OCR lines show beside the tagger
    "ml_backend.reading.validate": 8,
    "ml_backend.reading.pipeline": 9,
    "ml_backend.reading.multicard": 10,    # the pipeline run once per card found
}

#: The imports against the map that the code still has, each with why and what removes it.
#: (importer, imported) -> reason. Any import against the map that is not listed here fails
#: ``test_imports_point_down``; a listed one that has gone fails ``test_no_stale_exceptions``.
ALLOWED_EXCEPTIONS: dict[tuple[str, str], str] = {}

#: Modules outside the generator that may load Faker, each with why: offline benchmarks only
#: (``FAKER_EXCEPTION_PACKAGES``), never the server or the reading pipeline, which read their word
#: lists from ml_backend/text/data (written by scripts/export_word_lists.py). ``test_faker_only_where_listed``
#: fails on any module not listed here.
FAKER_EXCEPTIONS: dict[str, str] = {
    "active_learning.bench.ocr_samples": "an offline OCR benchmark that draws its sample card texts with Faker "
                                         "(scripts/bench_ocr.py); bench sits above the generator and may use "
                                         "its dependencies, and the server never imports it",
}

#: Packages that may import the test-data generator Faker (the generator itself).
FAKER_ALLOWED = ("active_learning.synth",)
#: Where a module of FAKER_EXCEPTIONS may live: offline measurement, off the serving path.
FAKER_EXCEPTION_PACKAGES = ("active_learning.bench",)


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, tuple[str, bool, str]]:
    """Module name -> (path shown in messages, is a package __init__, source text)."""
    return {_module(p): (str(p.relative_to(ROOT)), p.name == "__init__.py", p.read_text())
            for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


#: Keys that name only the module itself (a package __init__), not what lies under it.
EXACT = frozenset({"ml_backend", "active_learning"})


def _prefix(name: str, table: dict[str, int]) -> str | None:
    best = None
    for key in table:
        if (name == key or (key not in EXACT and name.startswith(key + "."))) and (best is None or len(key) > len(best)):
            best = key
    return best


def _names_faker(arg: ast.expr) -> bool:
    """A module path of Faker given as a string (``importlib.import_module("faker.providers...")``)."""
    if isinstance(arg, ast.JoinedStr) and arg.values:
        arg = arg.values[0]
    return isinstance(arg, ast.Constant) and isinstance(arg.value, str) and (
        arg.value == "faker" or arg.value.startswith("faker."))


def _edges(modules: dict[str, tuple[str, bool, str]]) -> list[tuple[str, int, str]]:
    """(module, line, imported project module) for every import at any depth, relative ones resolved."""

    def project(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges = []
    for m, (shown, is_package, text) in modules.items():
        package = m if is_package else m.rpartition(".")[0]
        for node in ast.walk(ast.parse(text, shown)):
            raw: list[str] = []
            if isinstance(node, ast.Call) and any(_names_faker(a) for a in node.args):
                edges.append((m, node.lineno, "faker"))
                continue
            if isinstance(node, ast.Import):
                raw = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                raw = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for name in raw:
                target = project(name)
                if target is not None and target != m and not m.startswith(target + "."):
                    edges.append((m, node.lineno, target))
                elif name.split(".")[0] == "faker":
                    edges.append((m, node.lineno, name))
    return edges


def direction_violations(modules: dict[str, tuple[str, bool, str]]) -> list[str]:
    wrong: list[str] = []
    for m, line, t in _edges(modules):
        if t.split(".")[0] == "faker":
            continue
        own, other = _prefix(m, LAYERS), _prefix(t, LAYERS)
        where = f"{modules[m][0]}:{line} {m} -> {t}"
        if own is None or other is None:
            wrong.append(f"{where} (outside the map: add it to LAYERS and docs/architecture.md)")
        elif own == other == "ml_backend.reading":
            a, b = _prefix(m, READING_ORDER), _prefix(t, READING_ORDER)
            if a is None or b is None:
                wrong.append(f"{where} (a reading module without a stage in READING_ORDER)")
            elif a != b and READING_ORDER[b] >= READING_ORDER[a]:
                wrong.append(f"{where} (a later or parallel reading stage)")
        elif own != other and (LAYERS[other] > LAYERS[own] or LAYERS[other] == LAYERS[own] > 0):
            wrong.append(f"{where} ({'a sibling' if LAYERS[other] == LAYERS[own] else 'a layer above'})")
        elif m.startswith("ml_backend.") and LAYERS[own] < 7 and t.startswith("active_learning."):
            wrong.append(f"{where} (the server gets the loop from its entry point, ml_backend.wiring)")
    return sorted(set(wrong))


def cycle(modules: dict[str, tuple[str, bool, str]]) -> list[str] | None:
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for m, _, t in _edges(modules):
        if t in graph:
            graph[m].add(t)
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for t in sorted(graph[m]):
            if state.get(t) == 1:
                return stack[stack.index(t):] + [t]
            if t not in state and (found := visit(t)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(modules):
        if m not in state and (found := visit(m)):
            return found
    return None


def faker_users(modules: dict[str, tuple[str, bool, str]]) -> list[str]:
    return [f"{modules[m][0]}:{line}" for m, line, t in _edges(modules)
            if t.split(".")[0] == "faker" and not any(m == a or m.startswith(a + ".") for a in FAKER_ALLOWED)]


def _excepted(violation: str) -> bool:
    return any(f" {a} -> {b} (" in violation for a, b in ALLOWED_EXCEPTIONS)


MODULES = _sources()


def test_every_module_has_a_layer() -> None:
    missing = [m for m in MODULES if _prefix(m, LAYERS) is None]
    assert not missing, f"modules outside the map (add them to LAYERS and docs/architecture.md): {missing}"
    stageless = [m for m in MODULES if m.startswith("ml_backend.reading.") and _prefix(m, READING_ORDER) is None]
    assert not stageless, f"reading modules without a stage (add them to READING_ORDER): {stageless}"


def test_imports_point_down() -> None:
    wrong = [v for v in direction_violations(MODULES) if not _excepted(v)]
    assert not wrong, "imports against the map of docs/architecture.md:\n" + "\n".join(wrong)


def test_no_stale_exceptions() -> None:
    found = direction_violations(MODULES)
    stale = [pair for pair in ALLOWED_EXCEPTIONS if not any(f" {pair[0]} -> {pair[1]} (" in v for v in found)]
    assert not stale, f"ALLOWED_EXCEPTIONS lists imports the code no longer has (remove them): {stale}"
    users = {m for m, _, t in _edges(MODULES) if t == "faker" or t.startswith("faker.")}
    assert not set(FAKER_EXCEPTIONS) - users, f"FAKER_EXCEPTIONS lists modules without Faker: {set(FAKER_EXCEPTIONS) - users}"


def test_no_import_cycle() -> None:
    found = cycle(MODULES)
    assert found is None, "import cycle (function-level imports included): " + " -> ".join(found or [])


def test_faker_only_where_listed() -> None:
    wrong = [u for m, line, t in _edges(MODULES) if t.split(".")[0] == "faker"
             for u in [f"{MODULES[m][0]}:{line} {m}"]
             if not any(m == a or m.startswith(a + ".") for a in FAKER_ALLOWED) and m not in FAKER_EXCEPTIONS]
    assert not wrong, f"Faker (a test-data generator) imported outside active_learning.synth: {wrong}"


def test_faker_only_in_the_generator() -> None:
    """The server and the reading pipeline never load Faker: outside the generator only listed
    offline benchmarks do."""
    listed = {MODULES[m][0] for m in FAKER_EXCEPTIONS if m in MODULES}
    wrong = [u for u in faker_users(MODULES) if u.rpartition(":")[0] not in listed]
    assert not wrong, f"Faker (a test-data generator) imported outside active_learning.synth: {wrong}"
    off_bench = [m for m in FAKER_EXCEPTIONS if not any(m.startswith(p + ".") for p in FAKER_EXCEPTION_PACKAGES)]
    assert not off_bench, f"FAKER_EXCEPTIONS may list only offline benchmarks ({FAKER_EXCEPTION_PACKAGES}): {off_bench}"


#: The reading stages that may see OCR lines as such: OCR itself, the respelling of its lines, the
#: stages that place or tag its words, the line evidence (the one stage after tagging that reads OCR text) and the pipeline
#: that hands them on. Every later stage (fields, rules, values, validate...) gets plain values and
#: ``lines.LineEvidence``.
OCR_READERS = ("ml_backend.reading.ocr", "ml_backend.reading.respell", "ml_backend.reading.geometry", "ml_backend.reading.qr",
               "ml_backend.reading.layout", "ml_backend.reading.lines", "ml_backend.reading.pipeline",
               "ml_backend.reading.multicard")
_OCR_TYPES = frozenset({"OcrLine", "OcrResult"})


def ocr_readers(modules: dict[str, tuple[str, bool, str]]) -> list[str]:
    """Reading modules outside ``OCR_READERS`` that import OCR's types (``path:line``)."""
    found = []
    for name, (path, _, source) in modules.items():
        if not name.startswith("ml_backend.reading.") or any(name == m or name.startswith(m + ".") for m in OCR_READERS):
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and any(a.name in _OCR_TYPES for a in node.names):
                found.append(f"{path}:{node.lineno}")
    return found


def test_only_the_line_evidence_reads_ocr_lines_after_tagging() -> None:
    """The data flow is one way: the validator, the decoder and the rules never see an OCR line."""
    assert ocr_readers(MODULES) == [], "read the line evidence (reading.lines) instead of OCR lines"


def test_the_checks_see_what_they_forbid() -> None:
    """Each check reports a planted defect (a check that cannot fail proves nothing)."""
    planted = {
        "ml_backend.text.lexicon": ("lexicon.py", False, "from ml_backend.reading.pipeline import STAGES\n"),
        "ml_backend.reading.pipeline": ("pipeline.py", False, "def f():\n    import ml_backend.text.lexicon\n"),
        "ml_backend.reading.fields": ("fields.py", False, "from ml_backend.reading.validate import plain\n"),
        "ml_backend.reading.validate": ("validate.py", True, "import faker\n"),
        "ml_backend.reading.values": ("values.py", True, "import importlib\nimportlib.import_module(f'faker.x.{1}')\n"),
        "ml_backend.serving.server": ("server.py", False, "from active_learning.loop.queue import x\n"),
        "active_learning.loop.queue": ("queue.py", False, ""),
    }
    wrong = "\n".join(direction_violations(planted))
    assert "ml_backend.text.lexicon -> ml_backend.reading.pipeline (a layer above)" in wrong
    assert "ml_backend.reading.fields -> ml_backend.reading.validate (a later" in wrong
    assert "ml_backend.serving.server -> active_learning.loop.queue" in wrong
    assert cycle(planted) == ["ml_backend.reading.pipeline", "ml_backend.text.lexicon", "ml_backend.reading.pipeline"]
    assert faker_users(planted) == ["validate.py:1", "values.py:2"]
    assert ocr_readers({"ml_backend.reading.validate.validator": ("validator.py", False, "from ml_backend.schema import OcrLine\n"),
                        "ml_backend.reading.lines": ("lines.py", False, "from ml_backend.schema import OcrLine\n")}) == ["validator.py:1"]
    assert not _excepted("x.py:1 ml_backend.reading.fields -> ml_backend.reading.validate (a later or parallel ...)")
