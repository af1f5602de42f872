"""Importing other systems' files: spreadsheets as they come, JSON Lines, EPCIS; every row exactly once."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from armtrace.domain.errors import RuleViolation
from armtrace.services.importing.files import ImportFile, ImportReport, import_file
from armtrace.services.integrity import verify
from armtrace.store import tables as t
from armtrace.store.uow import UnitOfWork

EPCIS = Path("/work/shared/interop/epcis")
EXAMPLES = sorted(p.name for p in EPCIS.glob("Example_*.jsonld"))

HEADER = "Serial No.;Make;Model;Cal.;Type;Year;Date;Owner;Permit"
DEFAULTS = '[defaults]\nevent = "imported"\ncountry = "KEN"\n'


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def police_export(tmp_path: Path) -> tuple[Path, Path]:
    rows = [
        "Kenya National Police Service - Firearms Register",
        "Export of 2025-01-31;;;;;;;;",
        HEADER,
        "GL-100201;Glock;17;9mm Para;Pistolet;2015;2019-05-02;Amina Otieno;FP/2019/001",
        "AK-778812;Kalashnikov Concern;AK-103;7.62x39;fusil d'assaut;2009;2018-03-10;Kenya Police Service;IL-18-42",
        "BR-553310;Beretta;92FS;9mm Para;Pistol;2011;2020-07-15;John Kamau;FP/2020/117",
        "NR-900001;Norinco;Type 56;7.62x39;AK-47;2099;2019-01-01;Kenya Police Service;IL-2019-0001",
        ";Glock;19;9mm Para;Pistol;2016;2019-06-02;Mary Wanjiru;FP/2019/002",
        "GL 100201;Glock;17;9mm Para;Pistol;2015;2019-05-02;Amina Otieno;FP/2019/001",
        "Total: 3 rows",
    ]
    return write(tmp_path / "register.csv", "\n".join(rows) + "\n"), write(tmp_path / "police.toml", DEFAULTS)


def count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def serials(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(t.weapons.c.serial).order_by(t.weapons.c.id)).scalars())


def assert_nothing_written(engine: sa.Engine, tmp_path: Path) -> None:
    assert [count(engine, x) for x in (t.weapons, t.events, t.import_files, t.change_log)] == [0, 0, 0, 0]
    assert list(tmp_path.glob("*.rejects.csv")) == []


def rejects(report: ImportReport) -> list[list[str]]:
    assert report.rejects_file is not None
    with open(report.rejects_file, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


# --- spreadsheets ------------------------------------------------------------------------------------


def test_a_police_export_imports_its_good_rows_and_reports_each_bad_one(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path
) -> None:
    path, mapping = police_export(tmp_path)
    report = import_file(ImportFile(path, mapping=mapping), uow(), clock)
    assert (report.read, report.imported, report.duplicates, report.rejected) == (6, 3, 1, 2)
    assert report.events == 3
    assert report.detail == {"encoding": "utf-8-sig", "delimiter": "';'", "header": "line 3"}
    assert report.skipped == ["1 footnote line(s) at the end of the file"]
    assert rejects(report) == [
        ["line", "field", "value", "reason"],
        ["7", "year_of_manufacture", "2099", "is in the future"],
        [
            "8",
            "serial",
            "",
            "is missing on a weapon recorded as marked (ITI para 8(a)); "
            "give the serial, or record the weapon as unmarked or obliterated",
        ],
    ]
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                t.weapons.c.serial,
                t.weapons.c.manufacturer_id,
                t.weapons.c.category,
                t.weapons.c.calibre,
                t.weapons.c.holder,
                t.weapons.c.country,
                t.weapons.c.status,
            ).order_by(t.weapons.c.id)
        ).all()
        events = conn.execute(sa.select(t.events.c.type, t.events.c.payload).order_by(t.events.c.seq)).all()
    assert [tuple(r) for r in rows] == [
        ("GL-100201", "glock", "self_loading_pistol", "9x19mm Parabellum", "Amina Otieno", "KEN", "held"),
        ("AK-778812", "kalashnikov-concern", "assault_rifle", "7.62x39mm", "Kenya Police Service", "KEN", "held"),
        ("BR-553310", "beretta", "self_loading_pistol", "9x19mm Parabellum", "John Kamau", "KEN", "held"),
    ]
    assert [e.type for e in events] == ["imported"] * 3
    assert [json.loads(e.payload)["why"] for e in events] == ["FP/2019/001", "IL-18-42", "FP/2020/117"]


def test_a_row_with_too_few_columns_between_data_rows_is_rejected_not_taken_for_a_footnote(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path
) -> None:
    text = "\n".join(
        [
            HEADER,
            "GL-100301;Glock;17;9mm Para;Pistol;2015;2019-05-02;A. Otieno;FP/1",
            "see annex",
            "GL-100302;Glock;17;9mm Para;Pistol;2015;2019-05-02;B. Otieno;FP/2",
        ]
    )
    path = write(tmp_path / "broken.csv", text + "\n")
    report = import_file(ImportFile(path, mapping=write(tmp_path / "m.toml", DEFAULTS)), uow(), clock)
    assert (report.read, report.imported, report.rejected) == (3, 2, 1)
    assert rejects(report)[1][:2] == ["3", "row"]
    assert report.skipped == []
    assert serials(engine) == ["GL-100301", "GL-100302"]


def test_a_latin_1_export_is_detected_and_its_accented_names_kept(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path
) -> None:
    text = "\n".join(
        [
            "Numéro de série;Fabricant;Modèle;Calibre;Type;Année;Date;Détenteur;Lieu;Permis",
            "FN-1961-0042;Fabrique Nationale d'Armes de Guerre;FAL;7.62x51;Fusil;1961;2019-02-01;"
            "Société Générale de Sécurité;Liège;AI/2019/7",
        ]
    )
    path = write(tmp_path / "registre.csv", text + "\n", encoding="latin-1")
    with pytest.raises(UnicodeDecodeError):
        path.read_text(encoding="utf-8")
    report = import_file(ImportFile(path, mapping=write(tmp_path / "m.toml", DEFAULTS)), uow(), clock)
    assert report.detail["encoding"] in ("cp1252", "latin-1")
    assert (report.imported, report.rejected) == (1, 0)
    assert report.notes == [(2, "Fabrique Nationale d'Armes de Guerre is a former name of FN Herstal")]
    with engine.connect() as conn:
        w = conn.execute(sa.select(t.weapons)).one()
    assert (w.manufacturer, w.manufacturer_id, w.category) == (
        "Fabrique Nationale d'Armes de Guerre",
        "fn-herstal",
        "rifle",
    )
    assert (w.holder, w.place) == ("Société Générale de Sécurité", "Liège")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_utf_16_file_is_refused_at_once_saying_what_was_found(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path, encoding: str
) -> None:
    path, mapping = police_export(tmp_path)
    write(path, path.read_text(encoding="utf-8"), encoding=encoding)
    with pytest.raises(RuleViolation, match="looks like UTF-16") as err:
        import_file(ImportFile(path, mapping=mapping), uow(), clock)
    assert "register.csv" in err.value.detail and "NUL bytes" in err.value.detail
    assert "UTF-8" in (err.value.hint or "")
    assert_nothing_written(engine, tmp_path)


def test_a_wrong_delimiter_is_refused_naming_the_one_that_works(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path
) -> None:
    path, mapping = police_export(tmp_path)
    with pytest.raises(RuleViolation, match="with the delimiter ',' no header row was found") as err:
        import_file(ImportFile(path, mapping=mapping, delimiter=","), uow(), clock)
    assert err.value.hint == "pass --delimiter ';'"
    assert_nothing_written(engine, tmp_path)


def test_a_mapping_naming_a_column_the_file_lacks_is_refused_listing_the_files_columns(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path
) -> None:
    path, _ = police_export(tmp_path)
    mapping = write(tmp_path / "wrong.toml", '[columns]\nserial = "Serial Number"\nmanufacturer = "Make"\n' + DEFAULTS)
    with pytest.raises(RuleViolation) as err:
        import_file(ImportFile(path, mapping=mapping), uow(), clock)
    assert_nothing_written(engine, tmp_path)
    assert "the mapping names columns the file does not have: serial = 'Serial Number'" in err.value.detail
    assert "'Serial No.'" in (err.value.hint or "") and "'Permit'" in (err.value.hint or "")


def test_a_file_without_any_event_type_is_refused_naming_the_default_to_give(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path
) -> None:
    path, _ = police_export(tmp_path)
    with pytest.raises(RuleViolation, match="has no column for the event") as err:
        import_file(ImportFile(path), uow(), clock)
    assert "[defaults] event = ..." in (err.value.hint or "")
    assert_nothing_written(engine, tmp_path)


def test_a_file_imported_twice_adds_nothing_the_second_time(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path
) -> None:
    path, mapping = police_export(tmp_path)
    first = import_file(ImportFile(path, mapping=mapping), uow(), clock)
    before = (count(engine, t.weapons), count(engine, t.events), count(engine, t.change_log))
    again = import_file(ImportFile(path, mapping=mapping), uow(), clock)
    assert again.already_done and not first.already_done
    assert again.sha256 == first.sha256
    assert (again.read, again.imported, again.duplicates, again.rejected) == (6, 3, 1, 2)
    assert (count(engine, t.weapons), count(engine, t.events), count(engine, t.change_log)) == before == (3, 3, 2)


class Interrupted(Exception):
    """Stands for the operator's Ctrl-C or a killed process between two batches."""


def sixty_rows(tmp_path: Path) -> tuple[Path, set[str], set[int]]:
    bad = {15, 35, 55}
    lines, good = [HEADER], set()
    for i in range(1, 61):
        serial = f"KP-{i:04d}"
        year = 2099 if i in bad else 2015
        lines.append(f"{serial};Glock;17;9mm Para;Pistol;{year};2019-05-02;Holder {i};FP/{i}")
        if i not in bad:
            good.add(serial)
    return write(tmp_path / "sixty.csv", "\n".join(lines) + "\n"), good, {i + 1 for i in bad}


def test_an_import_killed_part_way_resumes_where_it_stopped_and_imports_every_row_once(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path
) -> None:
    path, good, bad_lines = sixty_rows(tmp_path)
    mapping = write(tmp_path / "m.toml", DEFAULTS)
    batches: list[int] = []

    def stop_after_three(done: int, total: int | None) -> None:
        batches.append(done)
        if len(batches) == 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        import_file(ImportFile(path, mapping=mapping, batch_size=10), uow(), clock, progress=stop_after_three)
    assert batches == [10, 20, 30]
    assert count(engine, t.weapons) == 29  # rows 1-30, one of them bad

    report = import_file(ImportFile(path, mapping=mapping, batch_size=10), uow(), clock)
    assert report.resumed_from == 30 and not report.already_done
    assert (report.read, report.imported, report.rejected) == (30, 28, 2)

    stored = serials(engine)
    assert len(stored) == len(set(stored)) == 57
    assert set(stored) == good
    assert count(engine, t.events) == 57
    with engine.connect() as conn:
        done = conn.execute(sa.select(t.import_files)).one()
    assert (done.rows_done, done.imported, done.rejected, done.duplicates) == (60, 57, 3, 0)
    assert done.finished_at is not None
    reported = [int(r[0]) for r in rejects(report)[1:]]
    assert sorted(reported) == sorted(bad_lines)

    again = import_file(ImportFile(path, mapping=mapping, batch_size=10), uow(), clock)
    assert again.already_done and count(engine, t.weapons) == 57
    check = verify(uow())
    assert check.ok, (check.chain_break, check.projection_errors)
    assert (check.events, check.weapons) == (57, 57)


# --- JSON Lines --------------------------------------------------------------------------------------


def test_json_lines_in_the_record_form_import_each_weapon_with_its_history(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path
) -> None:
    lines = [
        {
            "weapon": {"category": "self_loading_pistol", "manufacturer": "Glock", "model": "19", "serial": "JL-1"},
            "events": [
                {"type": "imported", "why": "IP/1", "occurred_at": "2012-03-04", "country": "KEN", "holder": "Dealer"},
                {"type": "transferred", "why": "FC/9", "occurred_at": "2013-01-02", "holder": "Licensed holder FC/9"},
            ],
        },
        {
            "weapon": {"category": "rifle", "manufacturer": "Darra workshop", "serial": "DW-77", "origin": "craft"},
            "events": [{"type": "recovered", "why": "OB 12/2020", "occurred_at": "2020-05-05", "holder": "DCI"}],
        },
        {"weapon": {"category": "rifle"}},
    ]
    path = write(tmp_path / "records.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n\nnot json\n")
    report = import_file(ImportFile(path), uow(), clock)
    assert report.format == "jsonl"
    assert (report.read, report.imported, report.events, report.rejected) == (4, 2, 3, 2)
    assert [r[:2] for r in rejects(report)[1:]] == [["3", "line"], ["5", "line"]]
    assert "non-empty 'events' list" in rejects(report)[1][3]
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.weapons.c.serial, t.weapons.c.holder, t.weapons.c.status, t.weapons.c.flagged).order_by(
                t.weapons.c.id
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("JL-1", "Licensed holder FC/9", "held", False),
        ("DW-77", "DCI", "recovered", True),
    ]


def test_flat_json_lines_are_read_like_spreadsheet_rows(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path
) -> None:
    lines = [
        {
            "Serial No.": "GL-5001",
            "Make": "Glock",
            "Model": "17",
            "Type": "Pistol",
            "Date": "2019-05-02",
            "Owner": "Amina Otieno",
            "Permit": "FP/1",
        },
        {
            "Numéro de série": "AK-5002",
            "Marque": "Kalashnikov Concern",
            "Modèle": "AK-103",
            "Type": "автомат",
            "Année": 2008,
            "Détenteur": "Kenya Police Service",
            "Permis": "IL/2",
        },
        {"Serial No.": "GL-5003", "Make": "Glock", "Model": "17", "Type": "Pistol", "Year": 2099, "Permit": "FP/3"},
    ]
    path = write(tmp_path / "flat.ndjson", "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    report = import_file(ImportFile(path, mapping=write(tmp_path / "m.toml", DEFAULTS)), uow(), clock)
    assert (report.read, report.imported, report.rejected) == (3, 2, 1)
    # every problem of the line at once: a future year, and no holder for an import
    assert [r[:3] for r in rejects(report)[1:]] == [["3", "year_of_manufacture", "2099"], ["3", "holder", ""]]
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                t.weapons.c.serial,
                t.weapons.c.category,
                t.weapons.c.holder,
                t.weapons.c.country,
                t.weapons.c.year_of_manufacture,
            ).order_by(t.weapons.c.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("GL-5001", "self_loading_pistol", "Amina Otieno", "KEN", None),
        ("AK-5002", "assault_rifle", "Kenya Police Service", "KEN", 2008),
    ]


# --- EPCIS -------------------------------------------------------------------------------------------

EPCIS_MAPPING = """
[defaults]
holder = "Example Arms Works"
facility = "Example Arms Works central store"
[epcis.companies]
"0614141" = "Example Arms Works"
[epcis.products."0614141.107346"]
category = "self_loading_pistol"
model = "EX-9"
calibre = "9x19"
[epcis.bizsteps]
shipping = "transferred"
receiving = "stock_in"
"""


def official(tmp_path: Path, name: str) -> Path:
    return Path(shutil.copy(EPCIS / name, tmp_path / name))


def history(engine: sa.Engine) -> dict[str, list[tuple[str, str]]]:
    """serial -> [(event type, occurred_at as stored)] in chain order."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.weapons.c.serial, t.events.c.type, t.events.c.occurred_at)
            .join(t.events, t.events.c.weapon_id == t.weapons.c.id)
            .order_by(t.events.c.seq)
        ).all()
    out: dict[str, list[tuple[str, str]]] = {}
    for serial, kind, at in rows:
        out.setdefault(serial, []).append((kind, at.isoformat()))
    return out


def test_the_official_epcis_object_event_example_becomes_two_weapons_with_their_events_in_time_order(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path
) -> None:
    path = official(tmp_path, "Example_9.6.1-ObjectEvent.jsonld")
    report = import_file(ImportFile(path, mapping=write(tmp_path / "epcis.toml", EPCIS_MAPPING)), uow(), clock)
    assert report.format == "epcis"
    assert (report.read, report.rejected) == (2, 0), rejects(report) if report.rejects_file else None
    assert report.imported == 2 and report.events == 3
    assert history(engine) == {
        "2017": [("transferred", "2005-04-04T02:33:31.116000+00:00")],
        "2018": [
            ("transferred", "2005-04-04T02:33:31.116000+00:00"),
            ("stock_in", "2005-04-05T02:33:31.116000+00:00"),
        ],
    }
    with engine.connect() as conn:
        w = conn.execute(sa.select(t.weapons).where(t.weapons.c.serial == "2018")).one()
    assert (w.manufacturer, w.model, w.calibre, w.category, w.reference_id) == (
        "Example Arms Works",
        "EX-9",
        "9x19mm Parabellum",
        "self_loading_pistol",
        "sgtin:0614141.107346",
    )


def test_epcis_events_listed_out_of_order_are_recorded_in_time_order(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path
) -> None:
    doc = json.loads((EPCIS / "Example_9.6.1-ObjectEvent.jsonld").read_text(encoding="utf-8"))
    doc["epcisBody"]["eventList"].reverse()
    path = write(tmp_path / "reversed.jsonld", json.dumps(doc))
    mapping = EPCIS_MAPPING.replace('receiving = "stock_in"', 'receiving = "transferred"')
    report = import_file(ImportFile(path, mapping=write(tmp_path / "epcis.toml", mapping)), uow(), clock)
    assert (report.imported, report.rejected, report.events) == (2, 0, 3)
    times = [at for _, at in history(engine)["2018"]]
    assert times == sorted(times) and times[0].startswith("2005-04-04T02:33")
    with engine.connect() as conn:
        whys = [
            json.loads(p)["why"]
            for p in conn.execute(
                sa.select(t.events.c.payload)
                .join(t.weapons, t.weapons.c.id == t.events.c.weapon_id)
                .where(t.weapons.c.serial == "2018")
                .order_by(t.events.c.seq)
            ).scalars()
        ]
    assert whys == [
        "po http://transaction.acme.com/po/12345678",
        "po http://transaction.acme.com/po/12345678; desadv urn:epcglobal:cbv:bt:0614141073467:1152",
    ]


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_official_epcis_example_passes_the_schema_validation(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path, name: str
) -> None:
    assert len(EXAMPLES) == 4
    report = import_file(
        ImportFile(official(tmp_path, name), mapping=write(tmp_path / "m.toml", EPCIS_MAPPING)), uow(), clock
    )
    assert report.format == "epcis"
    assert report.read + len(report.skipped) >= 1
    assert report.read == report.imported + report.duplicates + report.rejected


def test_an_epcis_event_of_quantities_only_is_reported_as_skipped(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path
) -> None:
    report = import_file(ImportFile(official(tmp_path, "Example_9.6.2-ObjectEvent.jsonld")), uow(), clock)
    assert report.read == 0
    [skipped] = report.skipped
    assert "event 1 (ObjectEvent" in skipped and "EPC class quantities are not individual weapons" in skipped
    assert count(engine, t.weapons) == 0


@pytest.mark.parametrize("name", ["Example_9.6.3-AggregationEvent.jsonld", "Example_9.6.4-TransformationEvent.jsonld"])
def test_quantities_beside_serialised_items_are_reported_not_dropped_in_silence(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path, name: str
) -> None:
    report = import_file(
        ImportFile(official(tmp_path, name), mapping=write(tmp_path / "m.toml", EPCIS_MAPPING)), uow(), clock
    )
    assert report.read >= 2
    assert any("quantit" in s for s in report.skipped), report.skipped


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda d: d.pop("schemaVersion"), "'schemaVersion' is a required property"),
        (lambda d: d.update(type="Nonsense"), "is a required property"),
        (lambda d: d["epcisBody"]["eventList"][0].update(action="JUMP"), "at epcisBody/eventList/0"),
    ],
    ids=["no-schemaVersion", "type-Nonsense", "bad-action"],
)
def test_an_invalid_epcis_document_is_refused_naming_the_schema(
    engine: sa.Engine,
    uow: Callable[[], UnitOfWork],
    clock: Any,
    tmp_path: Path,
    change: Callable[[dict[str, Any]], object],
    complaint: str,
) -> None:
    doc = json.loads((EPCIS / "Example_9.6.1-ObjectEvent.jsonld").read_text(encoding="utf-8"))
    change(doc)
    path = write(tmp_path / "altered.jsonld", json.dumps(doc))
    with pytest.raises(RuleViolation, match=r"is not a valid EPCIS 2\.0 document") as err:
        import_file(ImportFile(path, mapping=write(tmp_path / "m.toml", EPCIS_MAPPING)), uow(), clock)
    assert err.value.rule == "GS1 EPCIS 2.0 JSON schema"
    assert complaint in err.value.detail
    assert count(engine, t.weapons) == 0 and count(engine, t.events) == 0


def test_a_refused_epcis_document_leaves_no_import_behind(
    engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any, tmp_path: Path
) -> None:
    doc = json.loads((EPCIS / "Example_9.6.1-ObjectEvent.jsonld").read_text(encoding="utf-8"))
    del doc["schemaVersion"]
    path = write(tmp_path / "altered.jsonld", json.dumps(doc))
    with pytest.raises(RuleViolation, match=r"is not a valid EPCIS 2\.0 document"):
        import_file(ImportFile(path), uow(), clock)
    assert_nothing_written(engine, tmp_path)
