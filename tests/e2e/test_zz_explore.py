import pytest
pytestmark = pytest.mark.e2e

def test_explore(context):
    page = context.new_page()
    page.on("response", lambda r: print("RESP", r.status, r.url) if r.status >= 400 else None)
    page.on("requestfailed", lambda r: print("FAILED", r.url))
    page.goto("/login/")
    page.wait_for_timeout(1000)
