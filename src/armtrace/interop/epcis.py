"""GS1 EPCIS 2.0 documents in: each serialised item becomes a weapon, its events its life.

A document is validated against the official schema first. An SGTIN names a product
(company prefix and item reference) and a serial: the mapping's [epcis] section says
which manufacturer a company prefix is and which model, category and calibre a product
is. Business steps map to lifecycle events (commissioning -> manufactured, shipping ->
exported, receiving -> imported, ...), which the mapping may override. EPC classes with
quantities are not individual weapons and are reported, not imported.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema

from armtrace.domain.errors import N_, RuleViolation
from armtrace.domain.lifecycle import parse_utc
from armtrace.domain.records import AddWeapon, EventInput, WeaponRecord
from armtrace.interop.mapping import Mapping

BIZ_STEPS = {
    "commissioning": "manufactured",
    "shipping": "exported",
    "receiving": "imported",
    "accepting": "imported",
    "storing": "stock_in",
    "picking": "stock_out",
    "departing": "stock_out",
    "retail_selling": "transferred",
    "dispensing": "transferred",
    "destroying": "destroyed",
    "decommissioning": "deactivated",
}


@cache
def _validator() -> jsonschema.Draft7Validator:
    schema = json.loads((files("armtrace.interop") / "data" / "epcis-2.0-schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


@dataclass(frozen=True)
class Item:
    epc: str
    company: str
    product: str
    serial: str


def parse_sgtin(epc: str) -> Item | None:
    """urn:epc:id:sgtin:CompanyPrefix.ItemRef.Serial -> its parts; None for other EPC schemes."""
    prefix = "urn:epc:id:sgtin:"
    if not epc.startswith(prefix):
        return None
    parts = epc[len(prefix) :].split(".", 2)
    return Item(epc, parts[0], parts[1], parts[2]) if len(parts) == 3 else None


@dataclass(frozen=True)
class Skipped:
    where: str
    reason: str


def read_document(path: Path, mapping: Mapping) -> tuple[list[WeaponRecord], list[Skipped]]:
    """The weapons an EPCIS document describes, each with its events in time order."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RuleViolation(
            N_("%(file)s is not a JSON document: %(error)s", file=path.name, error=str(exc)),
            hint=N_("pass an EPCIS 2.0 JSON(-LD) file"),
        ) from None
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path) or "(document)"
        raise RuleViolation(
            N_(
                "%(file)s is not a valid EPCIS 2.0 document: at %(place)s: %(error)s",
                file=path.name,
                place=where,
                error=first.message,
            ),
            rule="GS1 EPCIS 2.0 JSON schema",
            hint=N_("fix the document, or export it again"),
        )
    settings = mapping.epcis
    companies: dict[str, Any] = dict(settings.get("companies", {}))  # type: ignore[call-overload]
    products: dict[str, Any] = dict(settings.get("products", {}))  # type: ignore[call-overload]
    steps = {**BIZ_STEPS, **dict(settings.get("bizsteps", {}))}  # type: ignore[call-overload]
    locations: dict[str, Any] = dict(settings.get("locations", {}))  # type: ignore[call-overload]
    events: dict[str, list[tuple[str, EventInput]]] = defaultdict(list)
    items: dict[str, Item] = {}
    skipped: list[Skipped] = []
    body = doc.get("epcisBody", {})
    event_list = body.get("eventList") or body.get("queryResults", {}).get("resultsBody", {}).get("eventList", [])
    for i, e in enumerate(event_list):
        where = N_("event %(number)s (%(type)s, %(id)s)", number=i + 1, type=e.get("type"), id=e.get("eventID", "-"))
        epcs = e.get("epcList") or e.get("childEPCs") or e.get("outputEPCList") or []
        for listed in ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"):
            if e.get(listed) and epcs:
                skipped.append(
                    Skipped(
                        where,
                        N_("%(list)s ignored: EPC class quantities are not individual weapons", list=listed),
                    )
                )
        if e.get("inputEPCList") and e.get("outputEPCList"):
            skipped.append(
                Skipped(where, N_("inputEPCList ignored: a transformation's inputs are not kept as weapons"))
            )
        if not epcs:
            skipped.append(Skipped(where, N_("no serialised item (EPC class quantities are not individual weapons)")))
            continue
        step = _short(e.get("bizStep", ""))
        kind = str(steps[step]) if step in steps else None
        if kind is None:
            skipped.append(
                Skipped(
                    where,
                    N_("business step %(step)r has no lifecycle event: map it in [epcis.bizsteps]", step=step),
                )
            )
            continue
        location = (e.get("bizLocation") or e.get("readPoint") or {}).get("id")
        place = locations.get(location or "", {})
        event = EventInput(
            kind,
            why="; ".join(f"{_short(t.get('type', ''))} {t['bizTransaction']}" for t in e.get("bizTransactionList", []))
            or f"EPCIS {e.get('eventID', where)}",
            occurred_at=e["eventTime"],
            country=place.get("country") or mapping.defaults.get("country"),
            place=place.get("name") or location,
            holder=place.get("holder") or mapping.defaults.get("holder"),
            facility=place.get("facility")
            or mapping.defaults.get("facility")
            or (location if kind == "stock_in" else None),
            counterpart_country=mapping.defaults.get("counterpart_country"),
            note=f"EPCIS {e['eventID']}" if e.get("eventID") else None,
        )
        for epc in epcs:
            item = parse_sgtin(epc)
            if item is None:
                skipped.append(
                    Skipped(where, N_("%(epc)s is not an SGTIN: only serialised trade items are weapons", epc=epc))
                )
                continue
            items[epc] = item
            events[epc].append((e["eventTime"], event))
    records = []
    for epc, timeline in events.items():
        item = items[epc]
        product = products.get(f"{item.company}.{item.product}", {})
        description = {
            "manufacturer": companies.get(item.company) or mapping.defaults.get("manufacturer"),
            "serial": item.serial,
            "reference_id": f"sgtin:{item.company}.{item.product}",
            "category": product.get("category") or mapping.defaults.get("category"),
            "model": product.get("model") or mapping.defaults.get("model"),
            "calibre": product.get("calibre") or mapping.defaults.get("calibre"),
        }
        ordered = [ev for _, ev in sorted(timeline, key=lambda pair: parse_utc(pair[0]))]
        records.append(
            WeaponRecord(AddWeapon(description, ordered[0], allow_unlisted_manufacturer=True), tuple(ordered[1:]))
        )
    return records, skipped


def _short(value: str) -> str:
    """'urn:epcglobal:cbv:bizstep:shipping' or 'shipping' -> 'shipping'."""
    return value.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
