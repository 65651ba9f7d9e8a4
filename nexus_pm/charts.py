"""Static SVG bar charts made at build time: no script, `currentColor` for dark mode and print."""

from __future__ import annotations

from collections.abc import Sequence

from .markdown import Safe, xml

WIDTH = 640
_FONT = 'font-family="inherit" font-size="11"'
_BAR = 'fill="currentColor" fill-opacity="0.55"'
_TEXT = f'fill="currentColor" {_FONT}'


def _figure(title: str, height: int, body: list[str]) -> Safe:
    """One raw HTML block: Markdown keeps it whole as long as it holds no blank line."""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" style="max-width:{WIDTH}px" role="img" aria-label="{xml(title)}">'
    )
    lines = [
        # Material sizes a figure to its content, and an SVG 100 % wide of that falls back
        # to 300 px: the figure takes the column's width, up to the chart's own.
        f'<figure class="nexus-pm-chart" style="width:100%;max-width:{WIDTH}px">',
        head,
        f"<title>{xml(title)}</title>",
        *body,
        "</svg>",
        f"<figcaption>{xml(title)}</figcaption>",
        "</figure>",
    ]
    return Safe("\n".join(lines))


def bars(title: str, rows: Sequence[tuple[str, int]]) -> Safe:
    """Horizontal bars, one row per label, its count at the end of the bar."""
    label_w, row_h, pad = 170, 20, 4
    top = max((count for _, count in rows), default=0) or 1
    room = WIDTH - label_w - 40
    body = []
    for n, (label, count) in enumerate(rows):
        y = pad + n * row_h
        w = round(room * count / top, 1)
        shown = label if len(label) <= 26 else label[:25] + "…"
        body.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" {_TEXT}>{xml(shown)}</text>'
        )
        body.append(f'<rect x="{label_w}" y="{y + 2}" width="{w}" height="{row_h - 6}" {_BAR}/>')
        body.append(f'<text x="{label_w + w + 4}" y="{y + 13}" {_TEXT}>{count}</text>')
    return _figure(title, pad * 2 + max(len(rows), 1) * row_h, body)


def columns(title: str, points: Sequence[tuple[str, int]], label_every: int = 3) -> Safe:
    """Vertical columns over time, every `label_every`-th labelled below the axis."""
    height, base, left = 180, 150, 28
    top = max((count for _, count in points), default=0) or 1
    step = (WIDTH - left - 4) / max(len(points), 1)
    body = [
        f'<line x1="{left}" y1="{base}" x2="{WIDTH - 4}" y2="{base}" stroke="currentColor"'
        ' stroke-opacity="0.4"/>',
        f'<text x="{left - 4}" y="{14}" text-anchor="end" {_TEXT}>{top}</text>',
        f'<text x="{left - 4}" y="{base}" text-anchor="end" {_TEXT}>0</text>',
    ]
    for n, (label, count) in enumerate(points):
        x = round(left + n * step + 1, 1)
        h = round((base - 10) * count / top, 1)
        body.append(
            f'<rect x="{x}" y="{round(base - h, 1)}" width="{round(step - 2, 1)}" height="{h}"'
            f" {_BAR}><title>{xml(label)}: {count}</title></rect>"
        )
        if n % label_every == 0:
            body.append(f'<text x="{x}" y="{base + 16}" {_TEXT}>{xml(label)}</text>')
    return _figure(title, height, body)
