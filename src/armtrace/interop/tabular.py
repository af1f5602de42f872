"""Reading a spreadsheet export as it comes: its encoding, delimiter, title rows, footnotes.

The file is checked before anything is imported: an encoding that is neither UTF-8 nor
Latin-1, a delimiter that leaves the header in one column, or a mapping that names
columns the file lacks stops the import at once, saying what was found and what to pass.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from armtrace.domain.errors import N_, RuleViolation
from armtrace.interop.mapping import FIELDS, SYNONYMS, Mapping
from armtrace.reference.names import fold

DELIMITERS = (",", ";", "\t", "|")
HEADER_SEARCH_ROWS = 25
_KNOWN = {fold(s) for name in FIELDS for s in (name.replace("_", " "), *SYNONYMS.get(name, ()))}


def detect_encoding(path: Path, stated: str | None = None) -> str:
    """UTF-8 (with or without BOM) or Latin-1 (Windows-1252); anything else is refused."""
    if stated:
        try:
            with open(path, encoding=stated) as f:
                for _ in iter(lambda: f.read(1 << 20), ""):
                    pass
        except (LookupError, UnicodeDecodeError) as exc:
            raise RuleViolation(
                N_(
                    "%(file)s is not readable as %(encoding)s: %(error)s",
                    file=path.name,
                    encoding=stated,
                    error=str(exc),
                ),
                hint=N_("pass --encoding utf-8 or --encoding latin-1, or re-save the file as UTF-8"),
            ) from None
        return stated
    head = path.read_bytes()[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in path.read_bytes()[:4096]:
        raise RuleViolation(
            N_("%(file)s looks like UTF-16 or a binary file (it has NUL bytes)", file=path.name),
            hint=N_("re-save it as UTF-8 CSV, or pass --encoding utf-16 if it is UTF-16 text"),
        )
    try:
        with open(path, encoding="utf-8-sig") as f:
            for _ in iter(lambda: f.read(1 << 20), ""):
                pass
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252" if _is_cp1252(path) else "latin-1"


def _is_cp1252(path: Path) -> bool:
    try:
        path.read_bytes().decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


@dataclass
class Tabular:
    """A delimited file with its header found and its columns mapped to fields."""

    path: Path
    encoding: str
    delimiter: str
    header: list[str]
    header_line: int
    positions: dict[str, int]
    mapping: Mapping
    notes: int = 0  # footnote rows skipped at the end

    def rows(self) -> Iterator[tuple[int, dict[str, str | None] | None]]:
        """(line number, fields) for each data row in order; fields None for a malformed row."""
        width = len(self.header)
        pending: list[int] = []
        with open(self.path, encoding=self.encoding, newline="") as f:
            reader = csv.reader(f, delimiter=self.delimiter)
            for number, cells in enumerate(_checked(reader, self.path), start=1):
                if number <= self.header_line or not any(c.strip() for c in cells):
                    continue
                if len([c for c in cells if c.strip()]) < 2 or len(cells) < width // 2:
                    pending.append(reader.line_num)  # a footnote, if nothing but notes follows
                    continue
                for line in pending:
                    yield line, None
                pending.clear()
                yield reader.line_num, self.fields(cells)
        self.notes = len(pending)

    def fields(self, cells: list[str]) -> dict[str, str | None]:
        out: dict[str, str | None] = dict(self.mapping.defaults)
        for name, pos in self.positions.items():
            out[name] = self.mapping.value(name, cells[pos] if pos < len(cells) else None)
        return out


def _checked(reader: Iterator[list[str]], path: Path) -> Iterator[list[str]]:
    """The reader's records; a break in the file's structure is refused with its line, not a crash."""
    try:
        yield from reader
    except csv.Error as exc:
        line = getattr(reader, "line_num", "?")
        raise RuleViolation(
            N_(
                "%(file)s is not readable as delimited text at line %(line)s: %(error)s",
                file=path.name,
                line=line,
                error=str(exc),
            ),
            hint=N_("check the file's line endings and quotes there, or export it again from its source"),
        ) from None


def _find_header(sample: list[list[str]], mapping: Mapping) -> int | None:
    wanted = {fold(c) for c in mapping.columns.values()}
    for i, row in enumerate(sample):
        cells = {fold(c) for c in row if c.strip()}
        # The header holds the mapping's columns, or at least two usual column names; a mapping
        # that names a column the header lacks is then refused by name (Mapping.resolve_columns).
        if (wanted and wanted <= cells) or len(cells & (_KNOWN | wanted)) >= 2:
            return i
    return None


def _sample(path: Path, encoding: str, delimiter: str) -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as f:
        text = "".join(line for _, line in zip(range(HEADER_SEARCH_ROWS), f, strict=False))
    return list(_checked(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), path))


def open_tabular(path: Path, mapping: Mapping, *, encoding: str | None = None, delimiter: str | None = None) -> Tabular:
    encoding = detect_encoding(path, encoding or mapping.options.get("encoding"))
    stated = delimiter or mapping.options.get("delimiter")
    if stated == "\\t":
        stated = "\t"
    found: dict[str, int] = {}
    for d in ([stated] if stated else []) + [d for d in DELIMITERS if d != stated]:
        sample = _sample(path, encoding, d)
        at = _find_header(sample, mapping)
        if at is not None:
            found[d] = at
            if d == stated or not stated:
                break
    chosen = stated if stated in found else (next(iter(found)) if found and not stated else None)
    if chosen is None:
        first = _sample(path, encoding, stated or ",")[:1]
        if stated and found:
            other = next(iter(found))
            raise RuleViolation(
                N_(
                    "with the delimiter %(stated)r no header row was found in %(file)s; with %(other)r one was",
                    stated=stated,
                    file=path.name,
                    other=other,
                ),
                hint=N_("pass --delimiter %(other)r", other=other),
            )
        expect = list(mapping.columns.values()) or ["serial", "manufacturer", "model", "calibre", "type"]
        raise RuleViolation(
            N_(
                "no header row was found in the first %(rows)s lines of %(file)s",
                rows=HEADER_SEARCH_ROWS,
                file=path.name,
            ),
            hint=N_(
                "expected columns such as %(columns)s; the first line reads %(line)r."
                " Pass a mapping file (--mapping) that names the file's columns",
                columns=", ".join(expect),
                line=first[0] if first else [],
            ),
        )
    sample = _sample(path, encoding, chosen)
    header_index = found[chosen]
    header = sample[header_index]
    positions = mapping.resolve_columns(header)
    # The header is on the n-th record, which may span more than one physical line; count records.
    return Tabular(path, encoding, chosen, header, header_index + 1, positions, mapping)
