"""PDF rendering with embedded Chinese fonts, and fixed-pitch text tables for long lists in a PDF."""

import contextlib
import functools
import gc
import threading

from django.template.loader import render_to_string

CJK_FONT_FAMILY = '"Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", sans-serif'
# The face of the roster's fixed-pitch text (`pitch_table`): with the OpenType feature "hwid" (see PITCH_CSS) its
# Latin letters, digits and spaces are half an em wide and its Chinese characters one em, like a monospaced font.
PITCH_FONT = "Noto Sans CJK SC"

_local = threading.local()


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None, lean: bool = False) -> bytes:
    """Render a template to PDF bytes. lean: with LEAN_UA_CSS instead of WeasyPrint's user-agent stylesheet, for
    a long document whose template uses only the elements that stylesheet styles."""
    # Imported here: WeasyPrint costs about half a second to import.
    from weasyprint import HTML

    html = render_to_string(template_name, {**context, "CJK_FONT_FAMILY": CJK_FONT_FAMILY, "PITCH_CSS": PITCH_CSS})
    with _cyclic_gc_paused():
        document = (_lean_html() if lean else HTML)(string=html, base_url=base_url or ".")
        return document.write_pdf(font_config=_font_config())


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Python's cyclic garbage collector paused while WeasyPrint works. A long document creates tens of thousands
    of boxes and styles that live until it is written; they count towards a full collection, which then walks
    every object of the process (a Django worker: ~170,000) — about 0.1 s in the middle of each 300-row
    application. Paused, they are freed by reference counting when the document is dropped and the few cycles
    left are collected afterwards as usual. Only re-enabled if it was enabled (another thread may render too)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# WeasyPrint's own user-agent stylesheet (html5_ua.css) styles every HTML element, forms and lists included, and
# has rules that WeasyPrint tries on every element of a document: the ::marker, ::footnote-* and ::note-*
# pseudo-elements (each creates a style per element), [dir] and :link selectors. On the 300-row application that
# cascade took a fifth of the rendering. This one gives the elements our PDF templates use the same defaults.
LEAN_UA_CSS = """
html, body, div, section, article, header, footer, main, h1, h2, h3, h4, h5, h6, p, pre, blockquote, figure,
figcaption, address, ul, ol, dl, dt, dd, hr { display: block }
head, style, script, title, meta, link, template, base { display: none }
li { display: list-item }
table { display: table; box-sizing: border-box; border-spacing: 2px; border-collapse: separate;
        text-indent: initial; border-color: gray }
caption { display: table-caption }
colgroup { display: table-column-group }
col { display: table-column }
thead { display: table-header-group }
tbody { display: table-row-group }
tfoot { display: table-footer-group }
tr { display: table-row }
td, th { display: table-cell; padding: 1px; vertical-align: inherit; border-color: gray }
thead, tbody, tfoot { vertical-align: middle; border-color: inherit }
tr { vertical-align: inherit; border-color: inherit }
p, pre, blockquote, figure, dl, ol, ul { margin-top: 1em; margin-bottom: 1em }
blockquote, figure { margin-left: 40px; margin-right: 40px }
dd { margin-left: 40px }
ol, ul { padding-left: 40px; counter-reset: list-item }
ol { list-style-type: decimal }
ul { list-style-type: disc }
body { margin: 8px }
h1 { margin-top: .67em; margin-bottom: .67em; font-size: 2em; bookmark-level: 1 }
h2 { margin-top: .83em; margin-bottom: .83em; font-size: 1.5em; bookmark-level: 2 }
h3 { margin-top: 1em; margin-bottom: 1em; font-size: 1.17em; bookmark-level: 3 }
h4 { margin-top: 1.33em; margin-bottom: 1.33em; font-size: 1em; bookmark-level: 4 }
h5 { margin-top: 1.67em; margin-bottom: 1.67em; font-size: .83em; bookmark-level: 5 }
h6 { margin-top: 2.33em; margin-bottom: 2.33em; font-size: .67em; bookmark-level: 6 }
h1, h2, h3, h4, h5, h6 { font-weight: bold; bookmark-label: content(text); hyphens: manual; break-after: avoid;
                         break-inside: avoid }
b, strong, th { font-weight: bold }
em, i, cite, var, dfn, address { font-style: italic }
code, kbd, samp, pre { font-family: monospace }
pre { white-space: pre }
small, sub, sup { font-size: smaller }
sub { vertical-align: sub; line-height: normal }
sup { vertical-align: super; line-height: normal }
u, ins { text-decoration: underline }
s, del { text-decoration: line-through }
hr { border-style: inset; border-width: 1px; color: gray; margin: .5em auto }
br::before { content: "\\A"; white-space: pre-line }
img, svg { overflow: hidden }
@page {
  margin: 75px;
  @top-left-corner { text-align: right; vertical-align: middle }
  @top-left { text-align: left; vertical-align: middle }
  @top-center { text-align: center; vertical-align: middle }
  @top-right { text-align: right; vertical-align: middle }
  @top-right-corner { text-align: left; vertical-align: middle }
  @left-top { text-align: center; vertical-align: top }
  @left-middle { text-align: center; vertical-align: middle }
  @left-bottom { text-align: center; vertical-align: bottom }
  @right-top { text-align: center; vertical-align: top }
  @right-middle { text-align: center; vertical-align: middle }
  @right-bottom { text-align: center; vertical-align: bottom }
  @bottom-left-corner { text-align: right; vertical-align: middle }
  @bottom-left { text-align: left; vertical-align: middle }
  @bottom-center { text-align: center; vertical-align: middle }
  @bottom-right { text-align: right; vertical-align: middle }
  @bottom-right-corner { text-align: left; vertical-align: middle }
}
"""


@functools.lru_cache(maxsize=1)
def _lean_html():
    """weasyprint.HTML with LEAN_UA_CSS (parsed once) as its user-agent stylesheet. `_ua_stylesheets` is
    WeasyPrint's hook for that (its own tests override it); were it renamed, documents would get the full default
    stylesheet again: the same PDF, only slower."""
    from weasyprint import CSS, HTML

    sheet = CSS(string=LEAN_UA_CSS)

    class LeanHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [sheet]

    return LeanHTML


def _font_config():
    """One WeasyPrint font configuration per thread (fontconfig and Pango's font map are not thread-safe): each
    document then reuses the fonts Pango has already opened instead of loading them again (a CJK font file is
    20 MB). The templates declare no @font-face, so nothing accumulates in it."""
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config


def cjk_font_installed() -> bool:
    """True when fontconfig knows a Simplified Chinese font."""
    import subprocess

    try:
        out = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.strip())


# Fixed-pitch tables --------------------------------------------------------------------------------------------
#
# WeasyPrint spends about half a millisecond on every line of every table cell (its line breaking, boxes and
# drawing run in Python), so a 300-row roster as a six-column table costs more than a second. `pitch_table` lays
# the rows out as lines of text instead, the columns aligned with spaces: one line box per printed line. Widths
# are counted in half-ems ("cells"); the text is printed with PITCH_CSS, where a space is one cell and a tab
# advances to the next cell boundary (it follows a column whose text is not a whole number of cells wide, so that
# the next column starts on the grid again). PITCH_LANG must be the lang of the element (it selects the Chinese
# forms of the punctuation: "—" is 0.894 em in the font, 1 em in Chinese text).

PITCH_LANG = "zh-Hans"
PITCH_FEATURES = "hwid 1, kern 0"  # what PITCH_CSS asks Pango for
PITCH_CSS = (
    f'font-family: "{PITCH_FONT}"; font-feature-settings: "hwid"; font-kerning: none; white-space: pre; tab-size: .5em;'
)


_char_widths: dict[str, int] = {}


def _char_width(char: str) -> int:
    """Advance of one character in thousandths of an em as PITCH_CSS prints it in Chinese text, measured by Pango
    with the font, language and features of the document (and the same fallback font for a character PITCH_FONT
    lacks); once per character and process. After a Chinese character, as in a roster line: the Chinese forms
    only apply in a Han or Latin run."""
    width = _char_widths.get(char)
    if width is None:
        width = _char_widths[char] = _pitch_width("中" + char) - _pitch_width("中")
    return width


def _pitch_width(text: str) -> int:
    from weasyprint.text.ffi import ffi, gobject, pango

    layout = getattr(_local, "pitch_layout", None)
    if layout is None:
        context = ffi.gc(pango.pango_font_map_create_context(_font_config().font_map), gobject.g_object_unref)
        pango.pango_context_set_round_glyph_positions(context, False)
        pango.pango_context_set_language(context, pango.pango_language_from_string(PITCH_LANG.encode()))
        layout = ffi.gc(pango.pango_layout_new(context), gobject.g_object_unref)
        font = ffi.gc(pango.pango_font_description_new(), pango.pango_font_description_free)
        pango.pango_font_description_set_family(font, PITCH_FONT.encode())
        pango.pango_font_description_set_absolute_size(font, 1000 * 1024)  # an em of 1000 px, in Pango units
        pango.pango_layout_set_font_description(layout, font)
        attributes = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        pango.pango_attr_list_insert(attributes, pango.pango_attr_font_features_new(PITCH_FEATURES.encode()))
        pango.pango_layout_set_attributes(layout, attributes)
        _local.pitch_layout = layout
    encoded = text.encode()
    pango.pango_layout_set_text(layout, encoded, len(encoded))
    extents = ffi.new("PangoRectangle *")
    pango.pango_layout_line_get_extents(pango.pango_layout_get_line_readonly(layout, 0), ffi.NULL, extents)
    return round(extents.width / 1024)


def _wrap(text: str, cells: int) -> list[tuple[str, int]]:
    """Text broken into (line, width) at most `cells` half-ems wide, anywhere (like overflow-wrap: anywhere);
    whitespace runs collapse to one space, as HTML would show them."""
    lines, line, width, limit = [], "", 0, cells * 500
    for char in " ".join(text.split()):
        char_width = _char_width(char)
        if line and width + char_width > limit:
            lines.append((line, width))
            line, width = "", 0
        line += char
        width += char_width
    lines.append((line, width))
    return lines


def _fit(text: str, width: int, cells: int, right: bool) -> str:
    """Text `width` thousandths of an em wide padded to `cells` half-ems (it is not wider)."""
    snap = "\t" if width % 500 else ""  # to the next cell boundary
    spaces = " " * ((cells * 500 - width) // 500)
    return spaces + text + snap if right else text + snap + spaces


def pitch_table(rows, columns, *, gap: int = 2) -> list[str]:
    """Each row as the text of its printed lines (joined with newlines), columns aligned for PITCH_CSS.

    rows: sequences of cells; a cell is a string or a list of strings (its own lines). columns: (width in
    half-ems, "left" or "right") per column. A cell wider than its column wraps onto further lines."""
    out = []
    for row in rows:
        cells = []
        for value, (width, _align) in zip(row, columns, strict=True):
            parts = [value] if isinstance(value, str) else list(value) or [""]
            cells.append([line for part in parts for line in _wrap(str(part), width)])
        lines = []
        for i in range(max(len(c) for c in cells)):
            pieces = [
                _fit(*(c[i] if i < len(c) else ("", 0)), width, align == "right")
                for c, (width, align) in zip(cells, columns, strict=True)
            ]
            lines.append((" " * gap).join(pieces).rstrip())
        out.append("\n".join(lines))
    return out
