"""The lists behind the dashboard's numbers (selectors.dashboard_lists): the items a number counts, paginated, and
their Excel export with the same filters (audited)."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.excel import Column, Sheet, xlsx_response
from core.services import audit

from .. import selectors
from .common import counted_page
from .dashboard import dashboard_required


@dashboard_required
@require_GET
def dashboard_list(request, kind):
    dl = selectors.dashboard_list(kind, user=request.user, params=request.GET)
    page = counted_page(request, dl.queryset)
    return render(
        request,
        "monitoring/dashboard_list.html",
        {
            "list": dl,
            "page": page,
            "headers": [c.header for c in dl.columns],
            "rows": [selectors.list_cells(dl, obj) for obj in page.object_list],
            "query": urlencode(dl.params),
        },
    )


@dashboard_required
@require_GET
def dashboard_list_xlsx(request, kind):
    dl = selectors.dashboard_list(kind, user=request.user, params=request.GET)
    items = list(dl.queryset)
    sheet = Sheet(
        dl.title[:31],
        [Column(c.header, c.width, c.kind) for c in dl.columns],
        [[c.value(obj) for c in dl.columns] for obj in items],
        title=dl.title,
        filters=dl.filters or {"筛选": "全部"},
    )
    audit("export", user=request.user, detail=f"{dl.title}（{len(items)}行）；筛选：{dl.filters}")
    return xlsx_response(f"{dl.title}.xlsx", [sheet])
