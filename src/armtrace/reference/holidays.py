"""A State's public holidays, on which its office does not count working days (tracing deadlines).

The dates come from the `holidays` library (MIT-licensed, maintained from each State's published
law and calendars), looked up by the node's ISO 3166 country. A State the library does not know
has no public holidays here; a node adds the days its office is closed in its settings
(`ARMTRACE_CLOSED_DAYS`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import holidays
import pycountry


def public_holidays(country: str | None, years: Iterable[int]) -> frozenset[date]:
    """The public holidays of the State with alpha-3 code `country` in these years (none if unknown)."""
    return frozenset(d for year in years for d in _of_year(country or "", year))


@lru_cache(maxsize=256)
def _of_year(alpha3: str, year: int) -> frozenset[date]:
    found = pycountry.countries.get(alpha_3=alpha3.upper()) if alpha3 else None
    if found is None:
        return frozenset()
    try:
        return frozenset(holidays.country_holidays(found.alpha_2, years=year))
    except NotImplementedError:  # the library has no calendar for this State
        return frozenset()
