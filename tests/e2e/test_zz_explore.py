import json, pytest
from tests.e2e.support import login, AXE_JS
pytestmark = pytest.mark.e2e

def dump(page, name):
    page.screenshot(path=f"/tmp/e2e-{name}.png", full_page=True)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    r = page.evaluate("async () => await axe.run(document)")
    print("\n==", name, page.url, "violations", [v['id'] for v in r['violations']])
    for v in r['incomplete']:
        print("  incomplete", v['id'], [ (n['target'], (n.get('any') or [{}])[0].get('message','')[:150]) for n in v['nodes'][:5]])

def test_explore(axe_context, totp_book):
    page = axe_context.new_page()
    page.goto("/login/"); dump(page, "login")
    page.keyboard.press("Tab")
    print("focus after tab:", page.evaluate("document.activeElement.outerHTML"))
    page.reload()
    print("focus at load:", page.evaluate("document.activeElement.outerHTML"))
    login(page, "saksbehandler", totp_book); dump(page, "dashboard")
    page.goto("/account/"); dump(page, "account")
    page.goto("/login/code/setup/"); dump(page, "setup-verified")
