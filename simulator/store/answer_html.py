"""An answer as safe HTML for the standalone export: the candidate's Markdown kept (raw HTML in it is shown as
text, never run) and fenced code highlighted with inline colours, so the file needs no stylesheet."""

from __future__ import annotations

import html

from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(noclasses=True, style="friendly", nowrap=True)
PRE = "<pre style='background:#f6f8fa;padding:.6rem .8rem;border-radius:6px;overflow:auto'><code>"


def _code(code: str, lang: str, _attrs: str) -> str:
    try:
        lexer = get_lexer_by_name(lang.strip() or "text")
    except ClassNotFound:
        lexer = TextLexer()
    return PRE + str(highlight(code, lexer, _FORMATTER)) + "</code></pre>"


_MD = MarkdownIt("commonmark", {"html": False, "highlight": _code}).disable("image")


def answer_html(text: str) -> str:
    """Markdown to HTML with raw HTML escaped, images not loaded, and code blocks highlighted."""
    if not text.strip():
        return "<p><em>(empty)</em></p>"
    try:
        return str(_MD.render(text))
    except (ValueError, RecursionError):  # pathological nesting: fall back to escaped text
        return f"<pre>{html.escape(text)}</pre>"
