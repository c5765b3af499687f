"""Inline SVG charts drawn in Python, so reports need no scripts, fonts or images from elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#1f4e79", "#a84300", "#2e6b30", "#5b2a86")  # each >= 4.5:1 against white
_LABEL_W, _BAR_W, _VALUE_W, _BAR_H, _GAP = 130, 340, 50, 14, 10


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    title: str,
    max_value: float = 1.0,
) -> str:
    """A horizontal grouped bar chart as an accessible SVG element; None values are drawn as "n/a"."""
    group_h = len(series) * _BAR_H + _GAP
    legend_h = 24
    width = _LABEL_W + _BAR_W + _VALUE_W
    height = legend_h + len(categories) * group_h + 4
    desc = "; ".join(
        f"{cat}: " + ", ".join(f"{name} {'n/a' if vals[i] is None else f'{vals[i]:.2f}'}" for name, vals in series)
        for i, cat in enumerate(categories)
    )
    parts = [
        f'<svg role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
    ]
    x = _LABEL_W
    for s, (name, _) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="16" font-size="12" fill="#1a1a1a">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    for i, cat in enumerate(categories):
        top = legend_h + i * group_h
        mid = top + len(series) * _BAR_H / 2 + 4
        parts.append(
            f'<text x="{_LABEL_W - 6}" y="{mid:.0f}" font-size="12" text-anchor="end" fill="#1a1a1a">'
            f"{escape(cat)}</text>"
        )
        for s, (_, vals) in enumerate(series):
            y = top + s * _BAR_H
            value = vals[i]
            if value is None:
                label, w = "n/a", 0.0
            else:
                label, w = f"{value:.2f}", max(0.0, min(value / max_value, 1.0)) * _BAR_W
            colour = PALETTE[s % len(PALETTE)]
            parts.append(f'<rect x="{_LABEL_W}" y="{y}" width="{w:.1f}" height="{_BAR_H - 2}" fill="{colour}"/>')
            parts.append(
                f'<text x="{_LABEL_W + w + 4:.1f}" y="{y + _BAR_H - 3}" font-size="11" fill="#1a1a1a">{label}</text>'
            )
    parts.append(f'<line x1="{_LABEL_W}" y1="{legend_h}" x2="{_LABEL_W}" y2="{height}" stroke="#444"/>')
    parts.append("</svg>")
    return "\n".join(parts)
