"""PDF rendering with embedded Chinese fonts."""

from django.template.loader import render_to_string

CJK_FONT_FAMILY = '"Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", sans-serif'


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """Render a template to PDF bytes."""
    # Imported here: WeasyPrint costs about half a second to import.
    from weasyprint import HTML

    html = render_to_string(template_name, {**context, "CJK_FONT_FAMILY": CJK_FONT_FAMILY})
    return HTML(string=html, base_url=base_url or ".").write_pdf()


def cjk_font_installed() -> bool:
    """True when fontconfig knows a Simplified Chinese font."""
    import subprocess

    try:
        out = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.strip())
