"""API conventions shared by every endpoint."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """50 rows a page by default; clients may ask for up to 1,000 with ``page_size``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
