"""Every resource of the API, on one router: the place to add a resource.

Built:
    calls/, divisions/                       public reference data
    clusters/                                the caller's visible clusters
    applications/ (+ year-data, eligibility, history), applications/{id}/transitions/
    notices/, certifications/                public, no token
    annual-reports/, re-reviews/, revocations/, certification-records/
                                             monitoring (Arts. 11–14), read-only, scoped as the monitoring pages
                                             (`api/views/monitoring.py`)

Still to come — monitoring's other resources, as viewsets in `api/views/monitoring.py` calling monitoring's
selectors, services and predicates (monitoring cannot import api: api sits above it in the layers):
    annual-reports/ …     the writes (start, save, submit; the county verifies or returns) through monitoring.services
    city-submissions/     年度培育情况信息表报送 (Art. 12): the city's compiled submission
    revocations/          published decisions public (no token), like certifications/
    change-reports/       重大变动报备 (Art. 14(4))
"""

from rest_framework.routers import SimpleRouter

from .views.applications import ApplicationViewSet
from .views.clusters import ClusterViewSet
from .views.monitoring import AnnualReportViewSet, CertificationRecordViewSet, ReReviewViewSet, RevocationViewSet
from .views.public import CertificationViewSet, NoticeViewSet
from .views.reference import CallViewSet, DivisionViewSet
from .views.transitions import ApplicationTransitionViewSet

router = SimpleRouter(trailing_slash=True)
router.register("calls", CallViewSet, basename="call")
router.register("divisions", DivisionViewSet, basename="division")
router.register("clusters", ClusterViewSet, basename="cluster")
router.register("applications", ApplicationViewSet, basename="application")
router.register(
    r"applications/(?P<application_pk>[0-9]+)/transitions", ApplicationTransitionViewSet, basename="transition"
)
router.register("notices", NoticeViewSet, basename="notice")
router.register("certifications", CertificationViewSet, basename="certification")

router.register("annual-reports", AnnualReportViewSet, basename="annual-report")
router.register("re-reviews", ReReviewViewSet, basename="re-review")
router.register("revocations", RevocationViewSet, basename="revocation")
router.register("certification-records", CertificationRecordViewSet, basename="certification-record")

# monitoring (planned, see above):
# router.register("city-submissions", CitySubmissionViewSet, basename="city-submission")
# router.register("change-reports", ChangeReportViewSet, basename="change-report")
