"""A foreign nomad's first week in the portal, in a real Chromium, in every
language and once with JavaScript off:

  register (after a refused try that keeps what was typed) -> apply for
  certification with a PDF -> the talent officer, on the workbench in a
  browser of their own, opens it with its PDF and asks for one more document
  (an officer of the data bureau does not see it) -> the nomad sees it on
  the home page and uploads it -> the officer approves on the workbench -> the card page shows a QR that verifies offline with identity's
  published key -> the exit-entry officer approves the permit the nomad
  applied for, on the workbench -> a bounty application the officer qualified waits on the
  home page, and the nomad claims it there -> in the wallet, POW credited
  for accepted work is exchanged for points, points are spent at a merchant
  and sent to another nomad by card number (wallet.py). Then an officer signs in and
  follows a KPI to its months, this month's events and its CSV; and an
  officer on desk duty scans the nomad's card at a community site (valid,
  the visit recorded; suspended, refused with the reason) and a ticket at
  an event's gate (desk.py). Then the nomad registers for a full event,
  is waitlisted, and finds the place confirmed with its ticket once the
  seat holder cancels (events.py); last, the administrator creates and
  disables an officer account and adds a community site (admin.py).

Every page visited is screenshotted, checked by axe-core (no serious or
critical violation), and checked for lang/dir, one h1 and no untranslated key.

    python3 Tests/Browser/journey.py IDENTITY_ADDRESS JOBS_ADDRESS EVENTS_ADDRESS ANALYTICS_ADDRESS ASSETS_ADDRESS
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(__file__))
from harness import LANGUAGES, PORTAL, SHOTS, Browser, wait_for_portal  # noqa: E402
from desk import desk_journey  # noqa: E402
from events import events_journey  # noqa: E402
from officer import Analytics, Assets, Events, Identity, Jobs, verify_card_qr  # noqa: E402
from wallet import wallet_journey  # noqa: E402
import workbench  # noqa: E402
from admin import admin_journey  # noqa: E402
from enterprise import enterprise_journey  # noqa: E402

OFFICER = ("demo-talent-officer", "nomad-zone-demo")
# Bounty qualification is the science and industry bureau's decision.
INDUSTRY_OFFICER = ("demo-industry-officer", "nomad-zone-demo")
ENTERPRISE = ("demo-tide-tech", "nomad-zone-demo")
PASSWORD = "Tide-Table-2026!"
SCRIPT = "<script>document.title='pwned'</script>"

# Refusals the journey provokes, as the person reads them in their language:
# words that must appear next to the field (any one of them).
BAD_PASSWORD_WORDS = {
    "en": ["password", "Password"], "zh-CN": ["密码"], "ru": ["Пароль", "пароль"], "ar": ["كلمة"],
}


def pdf(path, text):
    body = f"%PDF-1.4\n1 0 obj<<>>endobj\n% {text}\ntrailer<<>>\n%%EOF\n"
    with open(path, "w") as file:
        file.write(body)
    return path


def public_pages(browser):
    for path, name in [("/", "landing"), ("/catalogue", "catalogue"), ("/events", "events"),
                       ("/jobs", "jobs"), ("/sites", "sites"), ("/kpis", "kpis")]:
        browser.open(path)
        browser.check(name)
    # One catalogue entry in full.
    browser.open("/catalogue")
    links = [a.get_attribute("href") for a in browser.driver.find_elements(By.CSS_SELECTOR, "main a[href^='/catalogue/'], main a[href*='/catalogue/']")]
    if links:
        browser.driver.get(links[0])
        browser.check("catalogue-entry")


def register(browser, username):
    browser.open("/register")
    browser.check("register")
    browser.open("/register/nomad?kind=foreign")
    browser.check("register-nomad")
    # Refused: a password too short. The error stands next to the field in
    # the chosen language, and what was typed is still there, inert.
    browser.fill({"username": SCRIPT, "password": "short", "password_repeat": "short",
                   "display_name": SCRIPT, "nationality": "DE", "document_number": "C01X00T47"})
    browser.click("register-submit")
    assert browser.page() == "register-nomad", browser.page()
    errors = browser.driver.find_elements(By.CSS_SELECTOR, ".field-error")
    assert errors, "a refusal shows an error next to a field"
    assert browser.field("display_name").get_attribute("value") == SCRIPT, "typed text is kept"
    assert browser.driver.title != "pwned", "typed markup stays text"
    browser.check("register-refused")
    browser.fill({"username": username, "password": PASSWORD, "password_repeat": PASSWORD,
                  "display_name": f"Ana {SCRIPT}", "nationality": "DE",
                  "document_number": "C" + uuid.uuid4().hex[:8].upper()})
    browser.click("register-submit")
    if browser.page() == "signin":
        sign_in(browser, username)


def sign_in(browser, username, then=None, password=PASSWORD):
    browser.open("/signin" + (f"?return_to={urllib.parse.quote(then)}" if then else ""))
    browser.fill({"username": username, "password": password})
    browser.click("signin-submit")


def csrf_refused(browser):
    """A post without the form's CSRF token, with the person's own cookies: 403."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.driver.get_cookies())
    request = urllib.request.Request(
        PORTAL + "/account/password", method="POST",
        data=urllib.parse.urlencode({"current_password": PASSWORD, "new_password": "x" * 16}).encode(),
        headers={"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"})
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        assert error.code == 403, error.code
        return
    raise AssertionError("a post without a CSRF token was accepted")


def qr_payload(browser, workdir):
    # The whole page in a tall window: scrolling an element into view needs
    # JavaScript, which one of the runs has switched off.
    browser.driver.find_element(By.ID, "card-qr")
    size = browser.driver.get_window_size()
    browser.driver.set_window_size(size["width"], 2400)
    shot = os.path.join(workdir, "qr.png")
    browser.driver.save_screenshot(shot)
    browser.driver.set_window_size(size["width"], size["height"])
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", shot], capture_output=True, text=True)
    assert decoded.returncode == 0, ("the QR on the card page does not scan", decoded.stderr)
    return decoded.stdout.strip()


def bounty_claimed_from_home(browser, identity, jobs, username, officer):
    """Qualified over gRPC, claimed in the browser from the home page."""
    nomad = identity.login(username, PASSWORD)
    bounty = jobs.publish_open_bounty(identity.login(*ENTERPRISE), f"Tide widgets {SCRIPT}")
    application = jobs.apply(nomad, bounty.bounty_id)
    jobs.qualify(officer, application.application_id)
    browser.open("/home")
    item = browser.driver.find_element(By.CSS_SELECTOR, "#waiting-list .waiting-bounty")
    assert browser.driver.title != "pwned" and SCRIPT in item.text, "the bounty's title is shown as text"
    browser.check("home-bounty-qualified")
    browser.click(f"claim-{application.application_id}")
    assert browser.page() == "home", browser.page()
    browser.check("home-bounty-claimed")
    statuses = {a.application_id: a.status for a in jobs.my_applications(nomad)}
    assert statuses.get(application.application_id) == 4, statuses  # WON


CSV_HEADER = "kpi,area,month,value,running_total,target,target_kind"


def staff_dashboard(browser):
    """An officer follows a KPI from the public list to its months, to the
    events behind this month's figure, and downloads its CSV."""
    sign_in(browser, OFFICER[0], password=OFFICER[1])
    browser.open("/kpis")
    browser.check("kpis-staff")
    href = browser.driver.find_element(By.ID, "kpi-link-certified_nomads").get_attribute("href")
    browser.driver.get(href)
    assert browser.page() == "staff_kpi", browser.page()
    assert browser.driver.find_elements(By.CSS_SELECTOR, "main svg.chart"), "the months are drawn"
    assert len(browser.driver.find_elements(By.CSS_SELECTOR, "#kpi-months tbody tr")) == 12
    browser.check("staff-kpi")
    months = browser.driver.find_elements(By.CSS_SELECTOR, "#kpi-months a.kpi-month-events")
    assert months, "the demo seed certified nomads this year"
    browser.driver.get(months[-1].get_attribute("href"))
    assert browser.page() == "staff_kpi_events", browser.page()
    rows = browser.driver.find_elements(By.CSS_SELECTOR, "#kpi-events tbody tr")
    assert rows and all("identity.nomad.certified" in row.text for row in rows), [row.text for row in rows][:3]
    browser.check("staff-kpi-events")

    browser.driver.get(href)
    csv_url = browser.driver.find_element(By.ID, "kpi-csv").get_attribute("href")
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.driver.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(csv_url, headers={"Cookie": cookies}), timeout=15) as answer:
        assert answer.headers["Content-Type"].startswith("text/csv"), answer.headers["Content-Type"]
        lines = answer.read().decode("utf-8").splitlines()
    assert lines[0] == CSV_HEADER and len(lines) == 13, lines[:2]
    browser.click("signout-submit")


def journey(language, javascript, identity, jobs, events, analytics, assets):
    label = f"{language}{'' if javascript else '-nojs'}"
    browser = Browser(language=language, javascript=javascript, label=label)
    # The officers' own browser, beside the nomad's (workbench.py).
    officer_browser = Browser(language=language, javascript=javascript, label=f"{label}-officer")
    workdir = tempfile.mkdtemp()
    try:
        public_pages(browser)
        username = f"ana-{label.lower()}-{uuid.uuid4().hex[:6]}"
        register(browser, username)
        # A private page asked for while signed out leads to sign-in and back.
        browser.driver.delete_all_cookies()
        browser.open("/card")
        assert browser.page() == "signin", browser.page()
        browser.check("signin")
        sign_in(browser, username, then="/home")
        assert browser.page() == "home", browser.page()
        browser.check("home")

        browser.open("/certification")
        browser.check("certification")
        browser.fill({"income": "15000", "clients": "Acme GmbH, Tidewater Ltd", "stay_days": "180",
                      "skills": "Swift, iOS", "documents": pdf(os.path.join(workdir, "contract.pdf"), "contract")})
        browser.click("cert-submit")
        browser.check("certification-applied")

        officer = identity.login(*OFFICER)
        nomad_id = identity.call("GetAccount", {}, token=identity.login(username, PASSWORD)).id
        application = identity.certification_of(officer, nomad_id)
        assert len(application.evidence.document_ids) == 1, application.evidence
        workbench.ask_for_documents(officer_browser, application.id, "Please add a bank statement for the last 3 months.")
        workbench.other_department_does_not_see(officer_browser, application.id)

        browser.open("/home")
        waiting = browser.driver.find_element(By.ID, "waiting-list")
        link = waiting.find_element(By.CSS_SELECTOR, f"a[href='/certification/{application.id}']")
        browser.check("home-waiting")
        browser.open(f"/certification/{application.id}")
        browser.check("certification-detail")
        browser.fill({"documents": pdf(os.path.join(workdir, "statement.pdf"), "bank statement")})
        browser.click("supplement-submit")
        browser.check("certification-supplemented")
        supplemented = identity.certification_of(officer, nomad_id)
        assert len(supplemented.evidence.document_ids) >= 1 and supplemented.status == 1, supplemented
        workbench.approve(officer_browser, application.id)

        browser.open("/card")
        browser.check("card")
        card_qr = qr_payload(browser, workdir)
        card_read_at = time.time()
        claims = verify_card_qr(card_qr, identity.public_keys())
        assert claims["sub"] == nomad_id, claims
        workbench.approve_permit(officer_browser, identity, identity.login(username, PASSWORD))
        bounty_claimed_from_home(browser, identity, jobs, username, identity.login(*INDUSTRY_OFFICER))
        wallet_journey(browser, officer_browser, identity, assets, identity.login(username, PASSWORD))

        csrf_refused(browser)
        # The staff's dashboard is not for nomads.
        browser.open("/staff/kpis/certified_nomads")
        assert browser.page() == "error", browser.page()
        browser.check("staff-refused")
        for path, name in [("/account", "account"), ("/account/password", "password"), ("/permits", "permits"),
                           ("/applications", "applications")]:
            browser.open(path)
            browser.check(name)
        browser.click("signout-submit")
        staff_dashboard(browser)
        desk_journey(browser, identity, events, analytics, sign_in, identity.login(username, PASSWORD), nomad_id,
                     card_qr, card_read_at)
        events_journey(browser, identity, events, sign_in, username, PASSWORD)
        admin_journey(officer_browser, identity)
        enterprise_journey(officer_browser, identity, jobs)
        return {**browser.violations, **{f"officer:{page}": found for page, found in officer_browser.violations.items()}}
    finally:
        browser.close()
        officer_browser.close()


def main():
    wait_for_portal()
    identity = Identity(sys.argv[1])
    jobs = Jobs(sys.argv[2])
    events = Events(sys.argv[3])
    analytics = Analytics(sys.argv[4])
    assets = Assets(sys.argv[5])
    summary = {}
    # NOMAD_BROWSER_RUNS=en,ar narrows the runs while working on a page; CI runs them all.
    chosen = [run for run in os.environ.get("NOMAD_BROWSER_RUNS", "").split(",") if run]
    for language, javascript in [(language, True) for language in LANGUAGES] + [("en", False)]:
        label = f"{language}{'' if javascript else '-nojs'}"
        if chosen and label not in chosen:
            continue
        print(f"--- journey {label}", flush=True)
        violations = journey(language, javascript, identity, jobs, events, analytics, assets)
        summary[label] = violations
        moderate = sorted({rule for page in violations.values() for rule, impact, _ in page})
        print(f"    {len(violations)} pages checked by axe; no serious or critical violation;"
              f" minor/moderate rules seen: {', '.join(moderate) or 'none'}", flush=True)
    with open(os.path.join(SHOTS, "axe-summary.json"), "w") as file:
        json.dump(summary, file, indent=1)
    shots = sorted(os.listdir(SHOTS))
    print(f"browser journeys passed: {len(summary)} runs, {len(shots) - 1} screenshots in {SHOTS}")


if __name__ == "__main__":
    main()
