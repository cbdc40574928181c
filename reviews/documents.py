"""What the portal's printed documents say, as pure reads: Chinese dates and periods, the certificate's content
and the QR code of its public verification address. Rendering (PDF) and storing are the services' and views'."""

import base64
import io

from django.urls import reverse
from django.utils import timezone

ISSUING_AUTHORITY = "江苏省工业和信息化厅"


def chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_period(start, end) -> str:
    """ "2026年9月24日至10月8日" (year once when both dates share it), "2022年12月29日至2023年1月5日" otherwise."""
    first = f"{start.year}年{start.month}月{start.day}日"
    if start == end:
        return first
    if start.year == end.year:
        return f"{first}至{end.month}月{end.day}日"
    return f"{first}至{end.year}年{end.month}月{end.day}日"


def verify_url(number: str) -> str:
    """The absolute public verification address printed as the certificate's QR code."""
    from core.services import site_url

    # SITE_URL when configured, else the address the request came to (a QR code must reach this portal).
    return f"{site_url()}{reverse('public:verify', args=[number])}"


def qr_png(text: str) -> bytes:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=2)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()


def qr_data_uri(text: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(text)).decode("ascii")


def certificate_context(cert) -> dict:
    """The certificate's template context (Art. 11): cluster, place, validity, authority and the QR code."""
    from datetime import timedelta

    from clusters.models.certifications import add_years

    division = cert.cluster.division
    url = verify_url(cert.number)
    # After a passed re-review (复核) the certificate shows the current three-year term and its renewal number.
    term_from = add_years(cert.valid_to + timedelta(days=1), -3) if cert.renewals else cert.valid_from
    return {
        "cert": cert,
        "number": cert.certificate_number,
        "renewed": bool(cert.renewals),
        "cluster": cert.cluster,
        "county": division.name,
        "city": division.parent.name if division.parent_id else "",
        "valid_from": chinese_date(term_from),
        "valid_to": chinese_date(cert.valid_to),
        "issued_on": chinese_date(term_from),
        "authority": ISSUING_AUTHORITY,
        "verify_url": url,
        "qr_src": qr_data_uri(url),
        "revoked": cert.status == "revoked",
        "printed_at": timezone.localtime(),
    }
