"""The clusters app's sections of the public front page: the calls open now and the case-progress lookup."""

from core import frontpage

from .selectors import open_calls


def calls_section():
    return {"template": "clusters/front/_calls.html", "calls": list(open_calls())}


def progress_section():
    return {"template": "clusters/front/_progress.html"}


frontpage.register(10, calls_section)
frontpage.register(50, progress_section)
