"""Weapon types as records write them, in several languages, to the ITI categories."""

from __future__ import annotations

from functools import cache

from armtrace.domain.categories import Category
from armtrace.reference.names import fold

C = Category
SYNONYMS: dict[Category, tuple[str, ...]] = {
    C.REVOLVER: ("revolver", "revolvers", "revolver pistol", "revólver", "revolver (fr)", "револьвер"),
    C.SELF_LOADING_PISTOL: (
        "pistol",
        "pistols",
        "handgun",
        "semi-automatic pistol",
        "semi automatic pistol",
        "self loading pistol",
        "automatic pistol",
        "pistolet",
        "pistolet semi-automatique",
        "pistola",
        "pistola semiautomática",
        "пистолет",
        "مسدس",
        "手枪",
        "hand gun",
    ),
    C.RIFLE: (
        "rifle",
        "rifles",
        "hunting rifle",
        "bolt action rifle",
        "bolt-action rifle",
        "sniper rifle",
        "fusil",
        "fusil de chasse à canon rayé",
        "carabine de chasse",
        "rifle de caza",
        "винтовка",
        "карабин охотничий",
        "بندقية",
        "步枪",
    ),
    C.CARBINE: ("carbine", "carbines", "carabine", "carabina", "карабин"),
    C.SHOTGUN: (
        "shotgun",
        "shotguns",
        "shot gun",
        "pump action shotgun",
        "fusil de chasse",
        "fusil à pompe",
        "escopeta",
        "espingarda",
        "ружьё",
        "ружье",
        "гладкоствольное ружье",
        "散弹枪",
        "霰弹枪",
    ),
    C.SUB_MACHINE_GUN: (
        "sub-machine gun",
        "submachine gun",
        "sub machine gun",
        "SMG",
        "machine pistol",
        "pistolet-mitrailleur",
        "pistolet mitrailleur",
        "subfusil",
        "metralleta",
        "pistola ametralladora",
        "пистолет-пулемёт",
        "пистолет-пулемет",
        "冲锋枪",
    ),
    C.ASSAULT_RIFLE: (
        "assault rifle",
        "assault rifles",
        "automatic rifle",
        "AK",
        "AK-47",
        "AK47",
        "AKM",
        "kalashnikov",
        "fusil d'assaut",
        "fusil d assaut",
        "fusil de asalto",
        "fuzil de assalto",
        "автомат",
        "штурмовая винтовка",
        "突击步枪",
        "自动步枪",
    ),
    C.LIGHT_MACHINE_GUN: (
        "light machine gun",
        "LMG",
        "squad automatic weapon",
        "fusil-mitrailleur",
        "mitrailleuse légère",
        "ametralladora ligera",
        "ручной пулемёт",
        "ручной пулемет",
        "轻机枪",
    ),
    C.HEAVY_MACHINE_GUN: (
        "heavy machine gun",
        "HMG",
        "machine gun",
        "mitrailleuse",
        "mitrailleuse lourde",
        "ametralladora",
        "ametralladora pesada",
        "пулемёт",
        "пулемет",
        "крупнокалиберный пулемёт",
        "重机枪",
    ),
    C.GRENADE_LAUNCHER: (
        "grenade launcher",
        "under-barrel grenade launcher",
        "automatic grenade launcher",
        "UGL",
        "AGL",
        "lance-grenades",
        "lance grenades",
        "lanzagranadas",
        "гранатомёт подствольный",
        "榴弹发射器",
    ),
    C.PORTABLE_ANTI_AIRCRAFT_GUN: (
        "portable anti-aircraft gun",
        "anti-aircraft gun",
        "canon antiaérien",
        "cañón antiaéreo",
    ),
    C.PORTABLE_ANTI_TANK_GUN: ("portable anti-tank gun", "anti-tank gun", "canon antichar", "cañón antitanque"),
    C.RECOILLESS_RIFLE: (
        "recoilless rifle",
        "recoilless gun",
        "canon sans recul",
        "cañón sin retroceso",
        "безоткатное орудие",
        "无后坐力炮",
    ),
    C.ANTI_TANK_LAUNCHER: (
        "rocket launcher",
        "anti-tank rocket launcher",
        "anti-tank launcher",
        "RPG",
        "anti-tank missile launcher",
        "ATGM launcher",
        "lance-roquettes",
        "lance roquettes",
        "lanzacohetes",
        "гранатомёт",
        "гранатомет",
        "火箭筒",
    ),
    C.MANPADS: (
        "MANPADS",
        "MANPAD",
        "man-portable air-defence system",
        "man-portable air defense system",
        "surface-to-air missile launcher",
        "missile sol-air portable",
        "ПЗРК",
        "便携式防空导弹",
    ),
    C.MORTAR: ("mortar", "mortars", "mortier", "mortero", "миномёт", "миномет", "迫击炮"),
}


@cache
def _index() -> dict[str, Category]:
    out: dict[str, Category] = {}
    for category, names in SYNONYMS.items():
        for name in (category.value, category.value.replace("_", " "), category.label, *names):
            out.setdefault(fold(name), category)
    return out


@cache
def resolve(text: str) -> Category | None:
    """The ITI category a type name refers to, or None when it is not known."""
    return _index().get(fold(text))
