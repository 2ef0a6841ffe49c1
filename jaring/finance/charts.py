"""The budget page's chart as SVG, drawn on the server (no script, prints and works offline):
cumulative iuran month by month — billed, paid, projected — against the DPA ceiling."""

from __future__ import annotations

from html import escape

from jaring.finance.messages import MONTHS_SHORT, rupiah
from jaring.finance.selectors.budget import Budget

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 260, 90, 30, 16


def budget_svg(budget: Budget, *, title: str) -> str:
    months = budget.months
    if not months:
        return ""
    billed = paid = projected = 0
    points: list[tuple[int, int, int]] = []
    for m in months:
        billed += m.billed or 0
        paid += m.paid
        projected += m.projected
        points.append((billed, paid, projected))
    top = max([projected, budget.ceiling or 0, 1])
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP
    step = plot_w / len(months)

    def y(value: int) -> float:
        return TOP + plot_h - plot_h * value / top

    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="w-100" '
        f'aria-label="{escape(title)}" data-testid="budget-chart">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (b, p, pr) in enumerate(points):
        x = LEFT + i * step + step * 0.15
        w = step * 0.7
        parts.append(
            f'<rect x="{x:.1f}" y="{y(pr):.1f}" width="{w:.1f}" height="{y(0) - y(pr):.1f}" '
            f'fill="#dbe7f3"><title>{escape(rupiah(pr))}</title></rect>'
        )
        parts.append(
            f'<rect x="{x:.1f}" y="{y(b):.1f}" width="{w:.1f}" height="{y(0) - y(b):.1f}" '
            f'fill="#7aa6d1"><title>{escape(rupiah(b))}</title></rect>'
        )
        parts.append(
            f'<rect x="{x + w * 0.25:.1f}" y="{y(p):.1f}" width="{w * 0.5:.1f}" '
            f'height="{y(0) - y(p):.1f}" fill="#1f6f43"><title>{escape(rupiah(p))}</title></rect>'
        )
        month = months[i].month
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{HEIGHT - 10}" font-size="11" text-anchor="middle">'
            f"{MONTHS_SHORT[month.month - 1]}</text>"
        )
    if budget.ceiling is not None:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - 10}" y1="{y(budget.ceiling):.1f}" '
            f'y2="{y(budget.ceiling):.1f}" stroke="#b02a37" stroke-dasharray="6 4" />'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(budget.ceiling) + 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="#b02a37">{escape(rupiah(budget.ceiling))}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - 10}" y1="{y(0)}" y2="{y(0)}" stroke="#888" />'
        f'<text x="{LEFT - 6}" y="{y(0) + 4:.1f}" font-size="11" text-anchor="end">Rp 0</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
