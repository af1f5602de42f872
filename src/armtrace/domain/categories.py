"""ITI weapon categories (ITI para 4; FACTS 1.1).

Small arms are built mainly for one user, light weapons for a crew of two or three. The
ITI lists them "inter alia"; the shotgun is a national addition every civilian registry
needs, kept with the small arms.
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    REVOLVER = "revolver"
    SELF_LOADING_PISTOL = "self_loading_pistol"
    RIFLE = "rifle"
    CARBINE = "carbine"
    SHOTGUN = "shotgun"
    SUB_MACHINE_GUN = "sub_machine_gun"
    ASSAULT_RIFLE = "assault_rifle"
    LIGHT_MACHINE_GUN = "light_machine_gun"
    HEAVY_MACHINE_GUN = "heavy_machine_gun"
    GRENADE_LAUNCHER = "grenade_launcher"
    PORTABLE_ANTI_AIRCRAFT_GUN = "portable_anti_aircraft_gun"
    PORTABLE_ANTI_TANK_GUN = "portable_anti_tank_gun"
    RECOILLESS_RIFLE = "recoilless_rifle"
    ANTI_TANK_LAUNCHER = "anti_tank_launcher"
    MANPADS = "manpads"
    MORTAR = "mortar"

    @property
    def group(self) -> str:
        """'small_arm' or 'light_weapon', as ITI para 4 divides them."""
        return "small_arm" if self in SMALL_ARMS else "light_weapon"

    @property
    def label(self) -> str:
        return LABELS[self]


SMALL_ARMS = frozenset(
    {
        Category.REVOLVER,
        Category.SELF_LOADING_PISTOL,
        Category.RIFLE,
        Category.CARBINE,
        Category.SHOTGUN,
        Category.SUB_MACHINE_GUN,
        Category.ASSAULT_RIFLE,
        Category.LIGHT_MACHINE_GUN,
    }
)

LABELS = {
    Category.REVOLVER: "revolver",
    Category.SELF_LOADING_PISTOL: "self-loading pistol",
    Category.RIFLE: "rifle",
    Category.CARBINE: "carbine",
    Category.SHOTGUN: "shotgun (national addition)",
    Category.SUB_MACHINE_GUN: "sub-machine gun",
    Category.ASSAULT_RIFLE: "assault rifle",
    Category.LIGHT_MACHINE_GUN: "light machine gun",
    Category.HEAVY_MACHINE_GUN: "heavy machine gun",
    Category.GRENADE_LAUNCHER: "grenade launcher (hand-held, under-barrel or mounted)",
    Category.PORTABLE_ANTI_AIRCRAFT_GUN: "portable anti-aircraft gun",
    Category.PORTABLE_ANTI_TANK_GUN: "portable anti-tank gun",
    Category.RECOILLESS_RIFLE: "recoilless rifle",
    Category.ANTI_TANK_LAUNCHER: "portable launcher of anti-tank missile or rocket systems",
    Category.MANPADS: "portable launcher of anti-aircraft missile systems (MANPADS)",
    Category.MORTAR: "mortar of calibre under 100 mm",
}

# Frame-first items (ITI para 10 names "the frame and/or receiver"): where the
# manufacture mark goes by default when a record does not say.
FRAME_MARKED = frozenset({Category.REVOLVER, Category.SELF_LOADING_PISTOL})

ANTIQUE_LAST_YEAR = 1899
"""Nothing made after 1899 can be an antique (ITI para 4): antiques are out of scope."""
