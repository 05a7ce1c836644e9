"""Write the word lists of ``ml_backend/text/data`` from Faker's providers.

The reader needs given names (to tell a person from a firm), Russian towns, given names and
patronymics (to put back letters OCR misread). Faker ships good lists, but it is a test-data
generator: the server must not load it. So the lists are exported once into sorted,
de-duplicated UTF-8 files (one word a line, a ``#`` header saying how they were made) and
committed; ``tests/test_word_lists.py`` re-derives them and fails when a Faker upgrade in the
lock changes one. Run after upgrading Faker:

    .venv/bin/python scripts/export_word_lists.py            # writes ml_backend/text/data/*.txt
    .venv/bin/python scripts/export_word_lists.py --check    # exit 1 if a file differs
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ml_backend.text.given_names import NAME_LOCALES  # noqa: E402  (each gets given_names_<locale>.txt)

DATA = ROOT / "ml_backend" / "text" / "data"


def _provider(module: str):
    return importlib.import_module(module).Provider


def _file(words: list[str] | tuple[str, ...], what: str) -> str:
    """The text of one list file: header, then the words sorted and de-duplicated."""
    import faker

    kept = sorted({w for w in words if w})
    bad = [w for w in kept if w != w.strip() or w.startswith("#") or "\n" in w]
    if bad:  # the loader reads one word a line and skips "#" lines: such a word would be lost
        raise ValueError(f"words that cannot be written one a line: {bad[:5]}")
    return (f"# {what}\n# from faker=={faker.VERSION} by scripts/export_word_lists.py; "
            f"sorted, de-duplicated, one a line. Do not edit: rerun the script.\n" + "".join(w + "\n" for w in kept))


def word_lists() -> dict[str, str]:
    """File name -> text of every list, derived from the installed Faker."""
    files: dict[str, str] = {}
    for locale in NAME_LOCALES:
        provider = _provider(f"faker.providers.person.{locale}")
        names = [n.lower() for attr in ("first_names", "first_names_male", "first_names_female")
                 for n in getattr(provider, attr, ()) or ()]
        files[f"given_names_{locale}.txt"] = _file(
            names, f"Given names ({locale}): Faker's person provider first_names, first_names_male and "
                   "first_names_female, lower-cased.")
    person = _provider("faker.providers.person.ru_RU")
    towns = _provider("faker.providers.address.ru_RU")
    files["first_names_ru.txt"] = _file(person.first_names, "Russian given names: Faker's ru_RU person provider first_names.")
    files["patronymics_ru.txt"] = _file(person.middle_names, "Russian patronymics: Faker's ru_RU person provider middle_names.")
    files["towns_ru.txt"] = _file(
        [re.sub(r"\s*\(.*?\)", "", n).strip() for n in towns.city_names],
        "Russian towns: Faker's ru_RU address provider city_names without the region in brackets "
        "(\"Азов (Рост.)\" -> \"Азов\").")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA, help="directory to write into (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file differs")
    args = parser.parse_args(argv)
    try:
        files = word_lists()
    except ImportError as exc:
        print(f"export_word_lists: Faker is not installed ({exc}); use the project's .venv", file=sys.stderr)
        return 2
    differ = [name for name, text in files.items()
              if not (args.out / name).is_file() or (args.out / name).read_text(encoding="utf-8") != text]
    if args.check:
        for name in differ:
            print(f"differs: {args.out / name}")
        return 1 if differ else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.out / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} lists to {args.out} ({len(differ)} changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
