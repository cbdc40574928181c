from rest_framework.pagination import PageNumberPagination


class PortalPagination(PageNumberPagination):
    """Every list: 50 a page by default, `page_size` up to 500."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = "页码无效或超出范围。"
