"""Charts drawn on the server as SVG: no script, no external library, readable without a network."""

from __future__ import annotations

from html import escape

ROW, LABEL, WIDTH = 26, 190, 300


def bars(values: list[tuple[str, float]], unit: str) -> str:
    """A horizontal bar chart of (label, value), largest value full width; empty when there is nothing."""
    if not values:
        return ""
    top = max(v for _, v in values) or 1.0
    height = ROW * len(values) + 6
    rows = []
    for i, (label, value) in enumerate(values):
        y = i * ROW + 4
        width = max(2.0, WIDTH * value / top)
        rows.append(
            f'<text x="{LABEL - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL}" y="{y}" width="{width:.0f}" height="{ROW - 8}" rx="3"></rect>'
            f'<text x="{LABEL + width + 6:.0f}" y="{y + 15}">{value:g}{escape(unit)}</text>'
        )
    return (
        f'<svg class="chart" viewBox="0 0 {LABEL + WIDTH + 60} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(rows)}</svg>'
    )
