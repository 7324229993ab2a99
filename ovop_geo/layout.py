"""A printed document as plain blocks, laid out as an A4 PDF (reportlab) or a standalone HTML page.

:mod:`ovop_geo.printed` decides *what* a report says, as a tuple of blocks (headings, paragraphs,
tables, pictures, boxes, page breaks); this module decides only *how* they look, twice from the
same blocks, so the PDF and the HTML always hold the same content.

Every text in a block is plain text, never markup: both renderers escape it (a village called
``<script>`` prints as those characters). Long words are broken so a very long name wraps inside
its cell instead of running off the page.

Fonts: DejaVu Sans (regular and bold), the TrueType files matplotlib ships inside its package
(``matplotlib/mpl-data/fonts/ttf``, under the Bitstream Vera / DejaVu licence). They are embedded
in the PDF (subset) and in the HTML (as data URLs), so neither depends on the fonts of the machine
that opens or prints it, and nothing is fetched.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

__all__ = [
    "Block",
    "Box",
    "Bullets",
    "Heading",
    "PageBreak",
    "Paragraph",
    "Picture",
    "Row",
    "Table",
    "font_files",
    "to_html",
    "to_pdf",
]

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


# ------------------------------------------------------------------------------------ blocks
@dataclass(frozen=True)
class Heading:
    """A heading: ``level`` 1 a section (starts the bookmarks), 2 a subsection, 0 the cover."""

    text: str
    level: int = 1  # 1 = section (starts the bookmarks), 2 = subsection, 0 = the cover title


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text in one of the report's paragraph styles."""

    text: str
    style: str = "body"  # "body", "small", "lead" (larger), "note" (grey, small)


@dataclass(frozen=True)
class Bullets:
    """A bulleted list."""

    items: tuple[str, ...]
    style: str = "body"


@dataclass(frozen=True)
class Table:
    """A table: header, rows, optional relative column widths and alignment, font size, caption."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: Relative column widths (any scale); None: equal.
    widths: tuple[float, ...] | None = None
    #: Per column "l" or "r" (numbers right-aligned); None: all left.
    align: str | None = None
    font_size: float = 8.0
    caption: str = ""


@dataclass(frozen=True)
class Picture:
    """A PNG picture, sized as a share of the text width, with a caption."""

    png: bytes = field(repr=False)
    #: Width as a share of the text width (0-1); the height follows the picture's aspect.
    width: float = 1.0
    caption: str = ""
    #: Largest height as a share of the text height (0-1), the width shrinks to keep the aspect.
    max_height: float = 0.8


@dataclass(frozen=True)
class Row:
    """Pictures side by side (each ``width`` a share of the text width)."""

    pictures: tuple[Picture, ...]


@dataclass(frozen=True)
class Box:
    """A framed box of labelled lines (the data-status box of the cover)."""

    title: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PageBreak:
    """A page break; ``landscape`` sets the orientation of the pages from here on."""

    #: Orientation of the pages from here on.
    landscape: bool = False


Block = Heading | Paragraph | Bullets | Table | Picture | Row | Box | PageBreak


# ------------------------------------------------------------------------------------- fonts
@cache
def font_files() -> dict[str, Path]:
    """The TrueType files of the report fonts inside matplotlib's package."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    files = {FONT: folder / "DejaVuSans.ttf", FONT_BOLD: folder / "DejaVuSans-Bold.ttf"}
    missing = [str(p.name) for p in files.values() if not p.is_file()]
    if missing:  # pragma: no cover - a broken matplotlib install
        raise FileNotFoundError(
            f"matplotlib's fonts {', '.join(missing)} are missing: reinstall matplotlib."
        )
    return files


@cache
def _register_fonts() -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    files = font_files()
    for name, path in files.items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    for bold, italic, name in ((0, 0, FONT), (1, 0, FONT_BOLD), (0, 1, FONT), (1, 1, FONT_BOLD)):
        addMapping(FONT, bold, italic, name)


# --------------------------------------------------------------------------------------- PDF
_GREY = "#555555"


def _styles():
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=9.5,
        leading=12.5,
        spaceAfter=4,
        splitLongWords=1,
        wordWrap=None,
    )
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "note": ParagraphStyle(
            "note", parent=base, fontSize=7.5, leading=9.5, textColor=colors.HexColor(_GREY)
        ),
        "lead": ParagraphStyle("lead", parent=base, fontSize=12, leading=16, spaceAfter=6),
        "h0": ParagraphStyle(
            "h0",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=22,
            leading=27,
            spaceAfter=10,
            spaceBefore=40,
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=14,
            leading=18,
            spaceAfter=6,
            spaceBefore=4,
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=11,
            leading=14,
            spaceAfter=4,
            spaceBefore=6,
            keepWithNext=1,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=9.8, spaceAfter=0),
        "cellb": ParagraphStyle(
            "cellb", parent=base, fontName=FONT_BOLD, fontSize=8, leading=9.8, spaceAfter=0
        ),
        "caption": ParagraphStyle(
            "caption",
            parent=base,
            fontSize=7.5,
            leading=9.5,
            textColor=colors.HexColor(_GREY),
            spaceBefore=2,
        ),
    }


def _p(text: str, style):
    """A reportlab paragraph of plain text (escaped, line breaks kept)."""
    from reportlab.platypus import Paragraph as RLParagraph

    safe = html.escape(str(text), quote=False).replace("\n", "<br/>")
    return RLParagraph(safe, style)


def to_pdf(blocks: Sequence[Block], *, title: str, footer: str, author: str = "ovop_geo") -> bytes:
    """The blocks as an A4 PDF (portrait, landscape after ``PageBreak(landscape=True)``).

    ``footer`` is printed at the foot of every page with the page number.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        Image,
        KeepTogether,
        ListFlowable,
        ListItem,
        NextPageTemplate,
        PageTemplate,
        Spacer,
        TableStyle,
    )
    from reportlab.platypus import PageBreak as RLPageBreak
    from reportlab.platypus import Table as RLTable

    _register_fonts()
    styles = _styles()
    margin = 15 * mm

    def frame_for(size):
        w, h = size
        return Frame(
            margin,
            margin + 6 * mm,
            w - 2 * margin,
            h - 2 * margin - 6 * mm,
            id="text",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(colors.HexColor(_GREY))
        w, _ = canvas._pagesize
        text = footer if len(footer) <= 150 else footer[:147] + "…"
        canvas.drawString(margin, margin - 2 * mm, text)
        canvas.drawRightString(w - margin, margin - 2 * mm, str(doc.page))
        canvas.restoreState()

    portrait_size, landscape_size = A4, landscape(A4)
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        title=title,
        author=author,
        creator="ovop_geo",
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        pageTemplates=[
            PageTemplate(
                id="portrait",
                frames=[frame_for(portrait_size)],
                onPageEnd=on_page,
                pagesize=portrait_size,
            ),
            PageTemplate(
                id="landscape",
                frames=[frame_for(landscape_size)],
                onPageEnd=on_page,
                pagesize=landscape_size,
            ),
        ],
        invariant=1,
    )
    story: list = []
    orientation = [False]

    def text_size():
        w, h = landscape_size if orientation[0] else portrait_size
        return w - 2 * margin, h - 2 * margin - 6 * mm

    def picture(block: Picture, width: float, height: float) -> list:
        img = Image(io.BytesIO(block.png))
        w = width * min(max(block.width, 0.05), 1.0) - 4
        h = w * img.imageHeight / img.imageWidth
        limit = height * min(max(block.max_height, 0.05), 1.0)
        if h > limit:
            w, h = w * limit / h, limit
        img.drawWidth, img.drawHeight = w, h
        img.hAlign = "CENTER"
        parts = [img]
        if block.caption:
            parts.append(_p(block.caption, styles["caption"]))
        return parts

    for block in blocks:
        width, height = text_size()
        if isinstance(block, Heading):
            style = styles[f"h{min(max(block.level, 0), 2)}"]
            story.append(_p(block.text, style))
        elif isinstance(block, Paragraph):
            story.append(_p(block.text, styles.get(block.style, styles["body"])))
        elif isinstance(block, Bullets):
            style = styles.get(block.style, styles["body"])
            story.append(
                ListFlowable(
                    [ListItem(_p(item, style), leftIndent=10, value="•") for item in block.items],
                    bulletType="bullet",
                    start="•",
                    leftIndent=10,
                    bulletFontName=FONT,
                    bulletFontSize=style.fontSize,
                )
            )
        elif isinstance(block, Table):
            story.append(_pdf_table(block, width, styles, RLTable, TableStyle, colors))
            if block.caption:
                story.append(_p(block.caption, styles["caption"]))
            story.append(Spacer(1, 4))
        elif isinstance(block, Picture):
            story.append(KeepTogether(picture(block, width, height)))
            story.append(Spacer(1, 4))
        elif isinstance(block, Row):
            cells = [picture(p, width, height) for p in block.pictures]
            widths = [width * min(max(p.width, 0.05), 1.0) for p in block.pictures]
            row = RLTable([cells], colWidths=widths)
            row.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 2),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                    ]
                )
            )
            row.hAlign = "LEFT"
            story.append(row)
            story.append(Spacer(1, 4))
        elif isinstance(block, Box):
            rows = [[_p(block.title, styles["cellb"]), ""]] + [
                [_p(label, styles["cellb"]), _p(text, styles["cell"])] for label, text in block.rows
            ]
            box = RLTable(rows, colWidths=[0.28 * width, 0.72 * width])
            box.setStyle(
                TableStyle(
                    [
                        ("SPAN", (0, 0), (1, 0)),
                        ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e0e0e0")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("TOPPADDING", (0, 0), (-1, -1), 3),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ]
                )
            )
            story.append(box)
            story.append(Spacer(1, 6))
        elif isinstance(block, PageBreak):
            orientation[0] = block.landscape
            story.append(NextPageTemplate("landscape" if block.landscape else "portrait"))
            story.append(RLPageBreak())
        else:  # pragma: no cover - a new block type without a renderer
            raise TypeError(f"no PDF layout for {type(block).__name__}")
    from reportlab import rl_config

    # Binary streams (no ASCII85 text encoding of images and pages): a fifth smaller and about
    # twice as fast to write; every PDF reader reads both. Restored after the build.
    ascii85 = rl_config.useA85
    rl_config.useA85 = 0
    try:
        doc.build(story)
    finally:
        rl_config.useA85 = ascii85
    return buf.getvalue()


def _pdf_table(block: Table, width: float, styles, RLTable, TableStyle, colors):
    n = max(len(block.header), max((len(r) for r in block.rows), default=0))
    rel = list(block.widths or [1.0] * n)[:n] + [1.0] * max(0, n - len(block.widths or []))
    total = sum(rel) or 1.0
    col_widths = [width * r / total for r in rel]
    size = block.font_size
    cell = styles["cell"].clone("c", fontSize=size, leading=size * 1.22)
    cellb = styles["cellb"].clone("cb", fontSize=size, leading=size * 1.22)
    cell_r = cell.clone("cr", alignment=2)
    cellb_r = cellb.clone("cbr", alignment=2)
    align = (block.align or "l" * n).ljust(n, "l")

    def row_cells(values, bold: bool):
        out = []
        for j in range(n):
            value = values[j] if j < len(values) else ""
            right = align[j] == "r"
            style = (cellb_r if right else cellb) if bold else (cell_r if right else cell)
            out.append(_p(value, style))
        return out

    data = [row_cells(block.header, True)] + [row_cells(r, False) for r in block.rows]
    table = RLTable(data, colWidths=col_widths, repeatRows=1)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#9e9e9e")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e0e0e0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
    ]
    commands += [
        ("BACKGROUND", (0, i), (-1, i), colors.HexColor("#f5f5f5")) for i in range(2, len(data), 2)
    ]
    table.setStyle(TableStyle(commands))
    return table


# -------------------------------------------------------------------------------------- HTML
_CSS = """
@font-face { font-family: "DejaVu Sans Report"; font-weight: normal;
  src: url(data:font/ttf;base64,{regular}) format("truetype"); }
@font-face { font-family: "DejaVu Sans Report"; font-weight: bold;
  src: url(data:font/ttf;base64,{bold}) format("truetype"); }
@page { size: A4; margin: 15mm; }
@page landscape { size: A4 landscape; }
body { font-family: "DejaVu Sans Report", sans-serif; font-size: 10pt; line-height: 1.35;
  max-width: 190mm; margin: 0 auto; padding: 8mm; color: #111; }
section.landscape { max-width: 267mm; page: landscape; }
h1.cover { font-size: 22pt; margin-top: 30mm; }
h1 { font-size: 15pt; } h2 { font-size: 11.5pt; }
h1, h2, p, li, td, th { overflow-wrap: anywhere; word-break: break-word; }
p.small, ul.small { font-size: 8.5pt; } p.note { font-size: 8pt; color: #555; }
p.lead { font-size: 12.5pt; } p.caption { font-size: 8pt; color: #555; margin-top: 2px; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: 4px 0; }
th, td { border: 0.5px solid #9e9e9e; padding: 2px 3px; vertical-align: top; text-align: left; }
th { background: #e0e0e0; } tr:nth-child(even) td { background: #f5f5f5; }
td.r, th.r { text-align: right; }
table.box { border: 1.5px solid #000; } table.box th { text-align: left; }
figure { margin: 6px 0; text-align: center; break-inside: avoid; }
figure img { max-width: 100%; height: auto; }
div.row { display: flex; gap: 4mm; align-items: flex-start; }
section { break-before: page; page-break-before: always; }
section:first-of-type { break-before: auto; page-break-before: auto; }
footer { font-size: 7.5pt; color: #555; margin-top: 12mm; border-top: 0.5px solid #999; }
"""


@cache
def _font_css() -> str:
    files = font_files()
    data = {k: base64.b64encode(p.read_bytes()).decode("ascii") for k, p in files.items()}
    return _CSS.replace("{regular}", data[FONT]).replace("{bold}", data[FONT_BOLD])


def _e(text: str) -> str:
    return html.escape(str(text), quote=True).replace("\n", "<br>")


def to_html(blocks: Sequence[Block], *, title: str, footer: str, lang: str = "id") -> str:
    """The blocks as one standalone HTML page (pictures and fonts inlined, no script, no link)."""
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No script may run and nothing may be fetched, whatever the data hold.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; font-src data:; style-src 'unsafe-inline'\">",
        f"<title>{_e(title)}</title>",
        f"<style>{_font_css()}</style></head><body>",
        "<section>",
    ]
    for block in blocks:
        if isinstance(block, Heading):
            if block.level == 0:
                out.append(f'<h1 class="cover">{_e(block.text)}</h1>')
            else:
                tag = "h1" if block.level <= 1 else "h2"
                out.append(f"<{tag}>{_e(block.text)}</{tag}>")
        elif isinstance(block, Paragraph):
            out.append(f'<p class="{_e(block.style)}">{_e(block.text)}</p>')
        elif isinstance(block, Bullets):
            items = "".join(f"<li>{_e(i)}</li>" for i in block.items)
            out.append(f'<ul class="{_e(block.style)}">{items}</ul>')
        elif isinstance(block, Table):
            out.append(_html_table(block))
        elif isinstance(block, Picture):
            out.append(_html_picture(block))
        elif isinstance(block, Row):
            cells = "".join(
                f'<div style="width:{100 * min(max(p.width, 0.05), 1.0):.0f}%">'
                f"{_html_picture(p, full=True)}</div>"
                for p in block.pictures
            )
            out.append(f'<div class="row">{cells}</div>')
        elif isinstance(block, Box):
            rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in block.rows)
            out.append(
                f'<table class="box"><colgroup><col style="width:28%"><col></colgroup>'
                f'<tr><th colspan="2">{_e(block.title)}</th></tr>{rows}</table>'
            )
        elif isinstance(block, PageBreak):
            cls = ' class="landscape"' if block.landscape else ""
            out.append(f"</section><section{cls}>")
        else:  # pragma: no cover
            raise TypeError(f"no HTML layout for {type(block).__name__}")
    out += ["</section>", f"<footer>{_e(footer)}</footer>", "</body></html>"]
    return "\n".join(out)


def _html_picture(block: Picture, *, full: bool = False) -> str:
    data = base64.b64encode(block.png).decode("ascii")
    alt = _e(block.caption)
    style = "width:100%" if full else f"width:{100 * min(max(block.width, 0.05), 1.0):.0f}%"
    cap = f'<p class="caption">{alt}</p>' if block.caption else ""
    return (
        f'<figure><img style="{style}" alt="{alt}" '
        f'src="data:image/png;base64,{data}">{cap}</figure>'
    )


def _html_table(block: Table) -> str:
    n = max(len(block.header), max((len(r) for r in block.rows), default=0))
    rel = list(block.widths or [1.0] * n)[:n] + [1.0] * max(0, n - len(block.widths or []))
    total = sum(rel) or 1.0
    align = (block.align or "l" * n).ljust(n, "l")
    cols = "".join(f'<col style="width:{100 * r / total:.1f}%">' for r in rel)

    def cls(j):
        return ' class="r"' if align[j] == "r" else ""

    head = "".join(f"<th{cls(j)}>{_e(h)}</th>" for j, h in enumerate(block.header))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(j)}>{_e(v)}</td>" for j, v in enumerate(row)) + "</tr>"
        for row in block.rows
    )
    style = f' style="font-size:{block.font_size + 0.5:.1f}pt"'
    cap = f'<p class="caption">{_e(block.caption)}</p>' if block.caption else ""
    return (
        f"<table{style}><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>{cap}"
    )
