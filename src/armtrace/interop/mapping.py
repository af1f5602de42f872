"""How a source's columns and codes map to armtrace fields: a TOML mapping file.

A police or manufacturer export loads without editing it: the mapping names which source
column holds which field, translates the source's codes, and gives defaults for what the
file does not say. Without a mapping, columns are matched by their usual names in several
languages ("Serial No.", "Numéro de série", "Marca").

    [columns]                       # armtrace field = source column
    serial = "Serial No."
    manufacturer = "Make"
    [values.category]               # source code = armtrace value
    P = "self_loading_pistol"
    [defaults]                      # for fields the file lacks
    event = "imported"
    why = "Police register export, 2024"
    country = "KEN"
    [options]
    delimiter = ";"
    encoding = "latin-1"
    date_format = "%d/%m/%Y"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from armtrace.domain.errors import N_, RuleViolation
from armtrace.reference.names import fold

# The fields a row may carry: the weapon's description, then its first event.
DESCRIPTION_FIELDS = (
    "category",
    "manufacturer",
    "country_of_manufacture",
    "serial",
    "model",
    "calibre",
    "year_of_manufacture",
    "marking_condition",
    "origin",
    "reference_id",
)
EVENT_FIELDS = (
    "event",
    "occurred_at",
    "why",
    "country",
    "place",
    "who",
    "holder",
    "counterpart_country",
    "facility",
    "import_mark",
    "import_year",
    "note",
    "temporary",  # a temporary lawful import's reason: exempt from import marking (Firearms Protocol Art. 8)
)
FIELDS = DESCRIPTION_FIELDS + EVENT_FIELDS

# Usual column names, folded (case, accents, punctuation), in the UN languages and Portuguese.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "category": (
        "category",
        "type",
        "weapon type",
        "kind",
        "categorie",
        "type d arme",
        "tipo",
        "tipo de arma",
        "categoria",
        "вид оружия",
        "тип",
    ),
    "manufacturer": (
        "manufacturer",
        "make",
        "maker",
        "brand",
        "fabricant",
        "marque",
        "fabricante",
        "marca",
        "производитель",
        "изготовитель",
    ),
    "country_of_manufacture": (
        "country of manufacture",
        "country of origin",
        "origin country",
        "made in",
        "pays de fabrication",
        "pays d origine",
        "pais de fabricacion",
        "pais de origen",
        "страна производства",
    ),
    "serial": (
        "serial",
        "serial number",
        "serial no",
        "serial nr",
        "serial n",
        "s n",
        "sn",
        "numero de serie",
        "no de serie",
        "n de serie",
        "numero serie",
        "num serie",
        "серийный номер",
        "номер",
    ),
    "model": ("model", "modele", "modelo", "модель"),
    "calibre": ("calibre", "caliber", "cal", "calibro", "калибр"),
    "year_of_manufacture": (
        "year",
        "year of manufacture",
        "manufacture year",
        "annee",
        "annee de fabrication",
        "ano",
        "ano de fabricacion",
        "год выпуска",
        "год",
    ),
    "marking_condition": ("marking", "marking condition", "marks", "marquage"),
    "origin": ("origin", "provenance"),
    "event": ("event", "event type", "evenement", "evento"),
    "occurred_at": ("date", "event date", "occurred at", "fecha", "дата"),
    "why": (
        "why",
        "document",
        "authority",
        "licence",
        "license",
        "permit",
        "reference",
        "ref",
        "licencia",
        "permis",
        "autorisation",
    ),
    "country": ("country", "pays", "pais", "страна"),
    "place": ("place", "location", "lieu", "lugar"),
    "who": ("who", "by", "agency", "service"),
    "holder": ("holder", "owner", "possessor", "detenteur", "proprietaire", "titular", "propietario", "владелец"),
    "counterpart_country": ("destination", "from country", "exporting country", "importing country"),
    "facility": ("facility", "armoury", "armory", "depot", "store", "magasin", "deposito"),
    "import_mark": ("import mark", "marquage d importation"),
    "import_year": ("import year", "year of import", "annee d importation"),
    "note": ("note", "notes", "remarks", "comment", "observations", "observaciones"),
    "temporary": ("temporary", "temporary import", "importation temporaire", "importacion temporal"),
}


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)  # field -> source column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> {source code: value}
    defaults: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    epcis: dict[str, dict[str, object]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Mapping:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise RuleViolation(
                N_("the mapping file %(path)s cannot be read: %(error)s", path=str(path), error=str(exc)),
                hint=N_("write it as TOML: [columns], [values.FIELD], [defaults], [options]"),
            ) from None
        unknown = [k for k in data if k not in ("columns", "values", "defaults", "options", "epcis")]
        bad_fields = [
            f for f in [*data.get("columns", {}), *data.get("values", {}), *data.get("defaults", {})] if f not in FIELDS
        ]
        if unknown or bad_fields:
            raise RuleViolation(
                N_(
                    "the mapping file %(path)s names what armtrace does not know: %(names)s",
                    path=str(path),
                    names=", ".join(unknown + bad_fields),
                ),
                hint=N_(
                    "sections: columns, values, defaults, options, epcis; fields: %(fields)s", fields=", ".join(FIELDS)
                ),
            )
        return cls(
            columns={k: str(v) for k, v in data.get("columns", {}).items()},
            values={k: {str(a): str(b) for a, b in v.items()} for k, v in data.get("values", {}).items()},
            defaults={k: str(v) for k, v in data.get("defaults", {}).items()},
            options={k: str(v) for k, v in data.get("options", {}).items()},
            epcis=dict(data.get("epcis", {})),
        )

    def resolve_columns(self, header: list[str]) -> dict[str, int]:
        """Which position holds each field; refuses a mapping that names missing columns."""
        folded = {fold(h): i for i, h in enumerate(header) if h.strip()}
        positions: dict[str, int] = {}
        missing = []
        for name, column in self.columns.items():
            if fold(column) in folded:
                positions[name] = folded[fold(column)]
            else:
                missing.append(f"{name} = {column!r}")
        if missing:
            raise RuleViolation(
                N_("the mapping names columns the file does not have: %(columns)s", columns="; ".join(missing)),
                hint=N_("the file's columns are: %(columns)s", columns=", ".join(repr(h) for h in header)),
            )
        for name in FIELDS:
            if name in positions:
                continue
            for synonym in (name.replace("_", " "), *SYNONYMS.get(name, ())):
                if fold(synonym) in folded and folded[fold(synonym)] not in positions.values():
                    positions[name] = folded[fold(synonym)]
                    break
        return positions

    def value(self, name: str, raw: str | None) -> str | None:
        """A field's value after code translation, or its default when the row is empty."""
        if raw is None or not raw.strip():
            return self.defaults.get(name)
        table = self.values.get(name)
        if table:
            return table.get(raw.strip(), table.get(raw.strip().upper(), raw.strip()))
        return raw.strip()
