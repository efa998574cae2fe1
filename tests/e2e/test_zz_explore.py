import pytest
from tests.e2e.support import login, password_step
pytestmark = pytest.mark.e2e

def shot(page, name):
    page.screenshot(path=f"/tmp/e2e-{name}.png", full_page=True)

def test_explore(axe_context, totp_book):
    page = axe_context.new_page()
    page.goto("/login/"); shot(page, "login")
    
    with page.expect_navigation(): page.locator("main form button[type=submit]").click()
    shot(page, "login-errors")
    password_step(page, "helse"); print(page.url); shot(page, "enrol")
    page.locator("#id_token").fill("1"); 
    with page.expect_navigation(): page.locator("main form button[type=submit]").click()
    shot(page, "enrol-error")
    p2 = axe_context.browser.new_context(base_url=page.url.split("/login")[0], locale="nb-NO").new_page()
    login(p2, "saksbehandler", totp_book); shot(p2, "dashboard")
    p2.locator("main table a").first.click(); p2.wait_for_load_state(); shot(p2, "case")
    p2.goto("/account/"); shot(p2, "account")
    p2.goto("/cases/99999/"); shot(p2, "404")
