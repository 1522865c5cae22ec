"""The compare matrix as a readable, self-contained, colour-coded HTML page for trainers.

Levels are always written as text; colour only repeats them (readable in greyscale and for
colour-blind readers). Every value from plugin data is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from thresholdkit.model.objects import LEVEL_COLOURS


def render(m: dict[str, Any], generated: str, version: str) -> str:
    areas = m["areas"]
    head = "".join(f'<th scope="col">{escape(a["name"])}</th>' for a in areas)
    body = []
    for row in m["rows"]:
        code = f' <span class="code">({escape(", ".join(row["cin_code"]))})</span>' if row["cin_code"] else ""
        cells = []
        for a in areas:
            value = row["areas"][a["id"]]
            if isinstance(value, str):
                cells.append(f'<td class="np">{escape(value)}</td>')
            elif not value:
                cells.append('<td class="none">not named</td>')
            else:
                top = max(value)
                text = ", ".join(f"L{v}" for v in value)
                cells.append(f'<td style="background:{LEVEL_COLOURS[top]}">{escape(text)}</td>')
        body.append(f'<tr><th scope="row">{escape(row["label"])}{code}</th>{"".join(cells)}</tr>')
    legend = "".join(
        f'<li><span class="swatch" style="background:{c}"></span> L{n}: highest level named is {n}</li>'
        for n, c in LEVEL_COLOURS.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>thresholdkit: concepts across areas</title>
<style>
body {{ font-family: system-ui, sans-serif; color: #1a1a1a; margin: 1.5rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #666; padding: .3rem .5rem; text-align: left; vertical-align: top; }}
thead th {{ position: sticky; top: 0; background: #fff; }}
td.np {{ font-style: italic; background: #eee; }}
td.none {{ color: #444; }}
.code {{ color: #444; font-weight: normal; }}
.swatch {{ display: inline-block; width: 1em; height: 1em; border: 1px solid #666; }}
@media print {{ @page {{ size: A4 landscape; margin: 12mm; }} tr {{ break-inside: avoid; }} }}
</style>
</head>
<body>
<h1>Concepts across areas</h1>
<p>Each cell lists the levels (L1-L4) at which that area's threshold document names an indicator of
the concept. "Not published in this document" means the area's document has no indicator table;
it does not mean "no concern". This supports, and does not replace, professional judgement.</p>
<ul class="legend">{legend}</ul>
<table>
<caption>Concepts (children in need census code in brackets) by area</caption>
<thead><tr><th scope="col">Concept</th>{head}</tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>
<footer><p>Generated {escape(generated)} by thresholdkit {escape(version)}.</p></footer>
</body>
</html>
"""
