"""Certificate PDFs (Art. 11) with a QR code to the public verification page."""

import base64
import io

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from clusters import permissions
from clusters.models import Certification
from core.pdf import render_pdf

ISSUING_AUTHORITY = "江苏省工业和信息化厅"


def chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def verify_url(number: str) -> str:
    """The absolute public verification address printed as the certificate's QR code."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('public:verify', args=[number])}"


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


def can_download_certificate(user, cert: Certification) -> bool:
    """Province staff, and the applicant organisation's users of the certified cluster."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_province:
        return True
    return permissions.owns(user, cert.application) or permissions.owns(user, cert.cluster)


def certificate_context(cert: Certification) -> dict:
    division = cert.cluster.division
    url = verify_url(cert.number)
    return {
        "cert": cert,
        "cluster": cert.cluster,
        "county": division.name,
        "city": division.parent.name if division.parent_id else "",
        "valid_from": chinese_date(cert.valid_from),
        "valid_to": chinese_date(cert.valid_to),
        "issued_on": chinese_date(cert.valid_from),
        "authority": ISSUING_AUTHORITY,
        "verify_url": url,
        "qr_src": qr_data_uri(url),
        "revoked": cert.status == "revoked",
        "printed_at": timezone.localtime(),
    }


def render_certificate_pdf(cert: Certification) -> bytes:
    """The certificate as an A4 landscape PDF with Chinese fonts embedded."""
    return render_pdf("reviews/pdf/certificate.html", certificate_context(cert))
