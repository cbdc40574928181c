"""Published lists, certificates, verification and the registry; publishing the list is in test_notices."""

import base64
import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.constants import Role
from accounts.tests.factories import JIANGYIN, KUNSHAN, OrganisationFactory, UserFactory, division
from clusters.models import Certification
from clusters.tests.factories import ApplicationFactory, ClusterFactory, applicant_user, authority_user
from reviews import documents
from reviews.tests.factories import at
from reviews.tests.views.helpers import close_and_publish, count_queries, make_notice, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_verify_url_is_built_from_site_url_and_the_verify_route(settings):
    settings.SITE_URL = "https://jqpt.gxt.jiangsu.gov.cn/"
    assert documents.verify_url("JS-TSJQ-2026-001") == "https://jqpt.gxt.jiangsu.gov.cn/verify/JS-TSJQ-2026-001/"


def test_the_certificate_embeds_the_qr_code_of_its_verification_url(province, settings):
    settings.SITE_URL = "https://jqpt.example.cn"
    notice, _apps = make_notice(province)
    close_and_publish(notice, province)
    cert = Certification.objects.order_by("number").first()
    context = documents.certificate_context(cert)
    assert context["verify_url"] == f"https://jqpt.example.cn/verify/{cert.number}/"
    prefix = "data:image/png;base64,"
    assert context["qr_src"].startswith(prefix)
    png = base64.b64decode(context["qr_src"][len(prefix) :])
    # QR encoding is deterministic: the same text gives the same image, so the picture encodes this URL.
    assert png.startswith(b"\x89PNG") and png == documents.qr_png(context["verify_url"])


def test_certificate_pdf_for_province_and_the_clusters_applicant_only(client, province):
    notice, apps = make_notice(province)
    close_and_publish(notice, province)
    cert = Certification.objects.get(application=apps[0])
    url = reverse("public:certificate_pdf", args=[cert.number])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(province)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    words = pdf_text(response.content)
    assert cert.number in words and cert.cluster.name in words and "江苏省工业和信息化厅" in words
    assert "2026年10月12日至2029年10月11日" in words
    client.force_login(applicant_user(apps[0].applicant))
    assert client.get(url).status_code == 200
    outsider = UserFactory(organisation=OrganisationFactory(division=division(JIANGYIN)))
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(authority_user(Role.COUNTY, division(KUNSHAN)))
    assert client.get(url).status_code == 404


def test_verify_answers_valid_expired_revoked_and_unknown(client, province):
    notice, _apps = make_notice(province)
    close_and_publish(notice, province)
    cert = Certification.objects.order_by("number").first()
    url = reverse("public:verify", args=[cert.number])
    with time_machine.travel(at(2026, 10, 13)):
        valid = client.get(url).content.decode()
    assert "有效" in valid and "已过期" not in valid and cert.cluster.name in valid
    assert "2026年10月12日至2029年10月11日" in valid
    with time_machine.travel(at(2029, 8, 1)):
        assert "即将到期" in client.get(url).content.decode()
    with time_machine.travel(at(2029, 10, 13)):
        assert "已过期" in client.get(url).content.decode()
    with time_machine.travel(at(2027, 3, 5, 10)):
        cert.revoke("未按期报送年度发展报告")
        cert.save()
    with time_machine.travel(at(2027, 3, 6)):
        revoked = client.get(url).content.decode()
    assert "已撤销" in revoked and "2027年3月5日" in revoked
    unknown = client.get(reverse("public:verify", args=["JS-TSJQ-2099-999"]))
    assert unknown.status_code == 404 and "未查到该证书编号" in unknown.content.decode()
    assert "<form" in unknown.content.decode()


def test_verify_form_redirects_and_explains_bad_input(client):
    ok = client.get(reverse("public:verify_form"), {"number": " js-tsjq-2026-001 "})
    assert ok.status_code == 302 and ok["Location"] == reverse("public:verify", args=["JS-TSJQ-2026-001"])
    bad = client.get(reverse("public:verify_form"), {"number": "<script>"})
    assert bad.status_code == 200 and "证书编号格式不正确" in bad.content.decode()
    empty = client.get(reverse("public:verify_form"), {"number": ""})
    assert "请输入证书编号" in empty.content.decode()


def certify(cluster, valid_from, *, number, revoked=False):
    """A certification made directly: the registry only reads rows."""
    app = ApplicationFactory(cluster=cluster)
    start, end = Certification.validity(valid_from)
    cert = Certification.objects.create(
        number=number,
        cluster=cluster,
        call=app.call,
        application=app,
        year=app.call.year,
        valid_from=start,
        valid_to=end,
        doc_number="X",
    )
    if revoked:
        cert.revoke("测试")
        cert.save()
    return cert


@pytest.fixture
def registry_rows():
    """Four certifications in 苏州 (昆山) and 无锡 (江阴), one per public status, seen on 2026-11-01."""
    jiangyin = OrganisationFactory(division=division(JIANGYIN))
    with time_machine.travel(at(2026, 11, 1)):
        return {
            "valid": certify(
                ClusterFactory(name="昆山电子信息集群", lead_industry="电子信息"),
                dt.date(2026, 10, 12),
                number="JS-A-001",
            ),
            "expiring": certify(ClusterFactory(name="昆山精密机械集群"), dt.date(2023, 12, 1), number="JS-A-002"),
            "expired": certify(
                ClusterFactory(name="江阴纺织集群", owner=jiangyin, lead_industry="纺织服装"),
                dt.date(2023, 10, 1),
                number="JS-A-003",
            ),
            "revoked": certify(
                ClusterFactory(name="江阴新材料集群", owner=jiangyin),
                dt.date(2025, 1, 1),
                number="JS-A-004",
                revoked=True,
            ),
        }


def registry_numbers(client, **params):
    with time_machine.travel(at(2026, 11, 1, 12)):
        response = client.get(reverse("public:registry"), params)
    assert response.status_code == 200
    html = response.content.decode()
    return {n for n in ("JS-A-001", "JS-A-002", "JS-A-003", "JS-A-004") if n in html}


def test_registry_filters_by_status_city_county_industry_and_text(client, registry_rows):
    assert registry_numbers(client) == {"JS-A-001", "JS-A-002", "JS-A-003", "JS-A-004"}
    assert registry_numbers(client, status="valid") == {"JS-A-001"}
    assert registry_numbers(client, status="expiring") == {"JS-A-002"}
    assert registry_numbers(client, status="expired") == {"JS-A-003"}
    assert registry_numbers(client, status="revoked") == {"JS-A-004"}
    assert registry_numbers(client, city="320500") == {"JS-A-001", "JS-A-002"}
    assert registry_numbers(client, city="320200") == {"JS-A-003", "JS-A-004"}
    assert registry_numbers(client, county=JIANGYIN, status="expired") == {"JS-A-003"}
    assert registry_numbers(client, industry="纺织") == {"JS-A-003"}
    assert registry_numbers(client, q="电子") == {"JS-A-001"}
    assert registry_numbers(client, year=2026) == {"JS-A-001", "JS-A-002", "JS-A-003", "JS-A-004"}
    assert registry_numbers(client, year=2031) == {"JS-A-001", "JS-A-002", "JS-A-003", "JS-A-004"}  # ignored


def test_registry_status_filter_is_a_database_query(registry_rows):
    from reviews.selectors import registry_queryset

    today = dt.date(2026, 11, 1)
    for status, cert in registry_rows.items():
        qs = registry_queryset({"status": status}, today)
        assert list(qs) == [cert]
        assert "valid_to" in str(qs.query) or status == "revoked"
        assert cert.public_status(today) == status


def test_registry_cluster_page_by_number_or_pk_and_404_for_uncertified(client, registry_rows):
    cert = registry_rows["revoked"]
    by_number = client.get(reverse("public:registry_cluster", args=[cert.number]))
    by_pk = client.get(reverse("public:registry_cluster", args=[cert.cluster_id]))
    assert by_number.status_code == by_pk.status_code == 200
    assert cert.cluster.name in by_pk.content.decode() and "已撤销" in by_pk.content.decode()
    assert client.get(reverse("public:registry_cluster", args=[ClusterFactory().pk])).status_code == 404
    assert client.get(reverse("public:registry_cluster", args=["JS-NONE-1"])).status_code == 404


def test_registry_queries_do_not_grow_with_rows(client):
    with time_machine.travel(at(2026, 11, 1)):
        for i in range(2):
            certify(ClusterFactory(), dt.date(2026, 10, 12), number=f"JS-Q-{i:03d}")
        two = count_queries(client, reverse("public:registry"))
        for i in range(2, 6):
            certify(ClusterFactory(), dt.date(2026, 10, 12), number=f"JS-Q-{i:03d}")
        six = count_queries(client, reverse("public:registry"))
    assert two == six


def test_registry_fragments_are_keyed_by_the_raw_query_and_follow_revocations(client, registry_rows):
    with time_machine.travel(at(2026, 11, 1, 12)):
        bad = client.get(reverse("public:registry"), {"year": "2031"}).content.decode()
        plain = client.get(reverse("public:registry")).content.decode()
        assert 'id="id_year_error"' in bad and 'id="id_year_error"' not in plain
        cert = registry_rows["valid"]
        before = client.get(reverse("public:registry"), {"status": "revoked"}).content.decode()
        assert "JS-A-004" in before and "JS-A-001" not in before
        cert.revoke("测试撤销")
        cert.save()
        after = client.get(reverse("public:registry"), {"status": "revoked"}).content.decode()
    assert "JS-A-001" in after and "JS-A-004" in after


def test_the_registry_follows_the_lifecycle_marks_as_well_as_the_dates(client, registry_rows):
    """A certification the lifecycle sweep marked expiring (or expired) is listed under that status."""
    from clusters.models import Certification

    Certification.objects.filter(pk=registry_rows["valid"].pk).update(status="expiring")
    Certification.objects.filter(pk=registry_rows["expiring"].pk).update(status="expired")
    assert registry_numbers(client, status="valid") == set()
    assert registry_numbers(client, status="expiring") == {"JS-A-001"}
    assert registry_numbers(client, status="expired") == {"JS-A-002", "JS-A-003"}
    assert registry_numbers(client, status="revoked") == {"JS-A-004"}
    today = dt.date(2026, 11, 1)
    statuses = {c.number: c.public_status(today) for c in Certification.objects.all()}
    assert statuses == {"JS-A-001": "expiring", "JS-A-002": "expired", "JS-A-003": "expired", "JS-A-004": "revoked"}


def _csrf_token(html: str) -> str:
    return html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def test_registry_page_is_cached_whole_for_anonymous_visitors(registry_rows):
    """A repeat visit costs the registry stamp's one query; each visitor still gets a working CSRF token of their
    own, and the large-text setting and the query string each get their own page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reviews.views.publication import CSRF_SLOT

    url = reverse("public:registry")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    with time_machine.travel(at(2026, 11, 1, 12)):
        a = first.get(url, {"status": "valid"}).content.decode()
        with CaptureQueriesContext(connection) as hit:
            b = second.get(url, {"status": "valid"}).content.decode()
        assert len(hit.captured_queries) == 1  # the stamp (publication version and certification counts)
        assert "JS-A-001" in b and "JS-A-002" not in b and CSRF_SLOT not in a + b
        assert _csrf_token(a) != _csrf_token(b)
        toggled = second.post(reverse("core:toggle_large_text"), {"csrfmiddlewaretoken": _csrf_token(b), "next": url})
        assert toggled.status_code == 302  # the token given with the cached page is the visitor's own
        large = second.get(url, {"status": "valid"}).content.decode()
        assert 'class="large-text"' in large and 'class="large-text"' not in b
        other = second.get(url, {"status": "expired"}).content.decode()
        assert "JS-A-003" in other and "JS-A-001" not in other


def test_registry_page_cache_follows_new_and_revoked_certifications(client, registry_rows):
    url = reverse("public:registry")
    with time_machine.travel(at(2026, 11, 1, 12)):
        assert "JS-A-009" not in client.get(url).content.decode()
        certify(ClusterFactory(name="昆山新增集群"), dt.date(2026, 10, 12), number="JS-A-009")
        assert "JS-A-009" in client.get(url).content.decode()
        cert = registry_rows["valid"]
        cert.revoke("测试撤销")
        cert.save()
        revoked = client.get(url, {"status": "revoked"}).content.decode()
    assert "JS-A-001" in revoked


def test_registry_is_not_cached_for_signed_in_users(client, registry_rows):
    user = UserFactory()
    client.force_login(user)
    url = reverse("public:registry")
    with time_machine.travel(at(2026, 11, 1, 12)):
        client.get(url)
        Certification.objects.filter(number="JS-A-001").update(doc_number="Y")  # no stamp change
        page = client.get(url).content.decode()
    assert user.display_name in page


def test_the_certificate_shows_the_current_term_and_number_after_a_renewal(settings, registry_rows):
    """After a passed re-review the certificate carries "-F1", the renewal wording and the current term; its QR
    code points at this portal (SITE_URL when set)."""
    from clusters.models import Certification
    from reviews.services.publication import render_certificate_pdf
    from reviews.tests.views.helpers import pdf_text

    settings.SITE_URL = "https://cluster.jxt.example"
    cert = registry_rows["expiring"]  # 2023-12-01 to 2026-11-30
    Certification.objects.filter(pk=cert.pk).update(renewals=1, valid_to=dt.date(2029, 11, 30))
    cert.refresh_from_db()
    text = pdf_text(render_certificate_pdf(cert)).replace(" ", "").replace("\n", "")
    assert "JS-A-002-F1" in text and "经复核" in text
    assert "2026年12月1日至2029年11月30日" in text
    from reviews.documents import verify_url

    assert verify_url(cert.number).startswith("https://cluster.jxt.example/")


def test_verify_accepts_the_printed_renewal_number_and_only_the_current_one(client, registry_rows):
    from clusters.models import Certification

    cert = registry_rows["expiring"]
    Certification.objects.filter(pk=cert.pk).update(renewals=1, valid_to=dt.date(2029, 11, 30))
    printed = client.get(reverse("public:verify", args=["JS-A-002-F1"]))
    assert printed.status_code == 200 and "JS-A-002-F1" in printed.content.decode()
    assert "经复核 1 次" in printed.content.decode()
    assert client.get(reverse("public:verify", args=["JS-A-002"])).status_code == 200
    assert client.get(reverse("public:verify", args=["JS-A-002-F2"])).status_code == 404
