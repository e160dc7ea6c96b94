"""Desk mode in the browser: an officer on duty at a community site scans the
journey's nomad's one-card QR (valid, the visit recorded; again, already
counted today), the certifying department suspends the card over gRPC and
the same desk refuses it with the reason; then at the demo forum's gate a
ticket is checked in, and refused the second time.

The scanner is a keyboard: the code is typed into the focused field and
Enter pressed, so this works the same with JavaScript off."""
import json
import os
import re
import time
import uuid

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from harness import CATALOGUES

DESK = ("demo-events-officer", "nomad-zone-demo")
TALENT = ("demo-talent-officer", "nomad-zone-demo")
FORUM_EN = "Xinying Bay Digital Nomad Forum"
# A QR the card page showed is good for five minutes; an older one is
# replaced by a fresh one from identity, as the card page itself would.
QR_FRESH_SECONDS = 200
TABLET = (820, 1180)


def catalogue_text(language, key):
    """The sentence the portal's catalogue has for KEY in LANGUAGE."""
    text = open(os.path.join(CATALOGUES, f"{language}.po"), encoding="utf-8").read()
    match = re.search(rf'^msgid "{re.escape(key)}"\nmsgstr (".*")$', text, re.M)
    assert match, (language, key)
    return json.loads(match.group(1))


def scan(browser, code):
    """Types CODE into the scan field and presses Enter, as a USB scanner
    does, and waits for the result page."""
    field = browser.driver.find_element(By.ID, "scan")
    assert field.get_attribute("autofocus") is not None, "the scan field takes the focus"
    old = browser.driver.find_element(By.TAG_NAME, "html")
    field.send_keys(code + Keys.ENTER)
    WebDriverWait(browser.driver, 30).until(lambda _: _stale(old))
    assert browser.page() == "desk_scan", browser.page()


def outcome(browser):
    results = browser.driver.find_elements(By.ID, "desk-result")
    return results[0].get_attribute("data-outcome") if results else None


def visits_rise(analytics, staff, before, timeout=45):
    """The zone's nomad_visits KPI counts the recorded visit once analytics
    has it from identity's outbox (delivered in batches, so not at once)."""
    deadline = time.time() + timeout
    while True:
        value = analytics.kpi_value(staff, "nomad_visits")
        if value >= before + 1 or time.time() > deadline:
            return value
        time.sleep(1)


def site_desk(browser, identity, analytics, nomad_token, nomad_id, card_qr, read_at):
    language = browser.language
    browser.open("/desk")
    assert browser.page() == "desk", browser.page()
    browser.check("desk")
    site = browser.driver.find_element(By.CSS_SELECTOR, "a[id^='desk-site-']")
    site_name = site.text
    browser.driver.get(site.get_attribute("href"))
    assert browser.page() == "desk_scan", browser.page()
    browser.check("desk-site")

    # Nothing scanned, and something that is no code at all: told so, in
    # the page's language, and the field is ready again.
    scan(browser, "")
    assert browser.error("scan") == catalogue_text(language, "desk.scan_empty"), browser.error("scan")
    scan(browser, "hello <script>document.title='pwned'</script>")
    assert browser.error("scan") == catalogue_text(language, "desk.scan_garbage"), browser.error("scan")
    assert browser.driver.title != "pwned"
    browser.check("desk-site-garbage")

    if time.time() - read_at > QR_FRESH_SECONDS:
        card_qr = identity.call("IssueCardQr", {}, token=nomad_token).payload
    talent = identity.login(*TALENT)
    visits_before = analytics.kpi_value(talent, "nomad_visits")
    scan(browser, card_qr)
    assert outcome(browser) == "valid", browser.text()
    assert "Ana" in browser.driver.find_element(By.ID, "desk-holder").text
    number = identity.call("GetCard", {"holder_id": nomad_id}, token=talent).number
    assert number not in browser.text() and number[4:12] not in browser.text(), "never the whole card number"
    assert number[-4:] in browser.driver.find_element(By.ID, "desk-card").text
    recorded = browser.driver.find_element(By.ID, "desk-recorded").text
    assert recorded == catalogue_text(language, "desk.visit_recorded").replace("{site}", site_name), recorded
    browser.check("desk-site-valid")
    visits_after = visits_rise(analytics, talent, visits_before)
    assert visits_after == visits_before + 1, ("one new visit in the zone's KPI", visits_before, visits_after)

    # The same card again: still valid, and identity says the visit of today
    # is already stored (a visit counts once per person per day).
    scan(browser, card_qr)
    assert outcome(browser) == "valid", browser.text()
    recorded = browser.driver.find_element(By.ID, "desk-recorded").text
    assert recorded == catalogue_text(language, "desk.visit_already").replace("{site}", site_name), recorded

    # The certifying department suspends the card; the desk refuses it and says why.
    suspended_qr = identity.call("IssueCardQr", {}, token=nomad_token).payload
    identity.call("SetCardStatus", {"request_id": str(uuid.uuid4()), "card_number": number, "status": 2,
                                    "reason": "Reported lost by the holder"}, token=talent)
    try:
        scan(browser, suspended_qr)
        assert outcome(browser) == "refused", browser.text()
        reason = browser.driver.find_element(By.ID, "desk-reason").text
        assert reason == catalogue_text(language, "desk.refusal.cardSuspended"), reason
        assert "Ana" in browser.driver.find_element(By.ID, "desk-holder").text
        browser.check("desk-site-suspended")
    finally:
        identity.call("SetCardStatus", {"request_id": str(uuid.uuid4()), "card_number": number, "status": 1,
                                        "reason": "Found again"}, token=talent)
    visit_by_username(browser, identity, site_name)


def visit_by_username(browser, identity, site_name):
    """A registered nomad without a one-card: the desk types the username."""
    language = browser.language
    username = "desk-" + uuid.uuid4().hex[:10]
    identity.call("RegisterNomad", {"request_id": str(uuid.uuid4()), "username": username,
                                    "password": "correct horse battery", "display_name": "Bo Uncarded",
                                    "nationality": "DE", "document_type": 2,
                                    "document_number": "C" + uuid.uuid4().hex[:8].upper(), "languages": ["en"]})

    def record(name):
        browser.fill({"username": name})
        old = browser.driver.find_element(By.TAG_NAME, "html")
        browser.driver.find_element(By.ID, "username-submit").click()
        WebDriverWait(browser.driver, 30).until(lambda _: _stale(old))
        assert browser.page() == "desk_scan", browser.page()

    record("")
    assert browser.error("username") == catalogue_text(language, "desk.username_empty"), browser.error("username")
    record(username)
    assert outcome(browser) == "valid", browser.text()
    assert "Bo Uncarded" in browser.driver.find_element(By.ID, "desk-holder").text
    verdict = browser.driver.find_element(By.ID, "desk-verdict").text
    assert catalogue_text(language, "desk.verdict.registered") in verdict, verdict
    assert not browser.driver.find_elements(By.ID, "desk-card"), "no card, no card number"
    recorded = browser.driver.find_element(By.ID, "desk-recorded").text
    assert recorded == catalogue_text(language, "desk.visit_recorded").replace("{site}", site_name), recorded
    browser.check("desk-site-username")
    record(username)
    recorded = browser.driver.find_element(By.ID, "desk-recorded").text
    assert recorded == catalogue_text(language, "desk.visit_already").replace("{site}", site_name), recorded
    record("nobody-" + uuid.uuid4().hex[:8])
    assert outcome(browser) == "refused", browser.text()
    reason = browser.driver.find_element(By.ID, "desk-reason").text
    if language in ("ru", "ar"):
        assert reason == catalogue_text(language, "error.desk_visit_username.NOT_FOUND"), reason
    else:
        assert reason, "the service's own sentence"


def _stale(element):
    """True once ELEMENT's page has been replaced by the next one."""
    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


def event_gate(browser, events, nomad_token):
    language = browser.language
    forum = next(e for e in events.call("ListEvents", {"page": {"page_size": 100}}).events
                 if e.title.get("en") == FORUM_EN)
    registration = events.call("RegisterForEvent", {"request_id": str(uuid.uuid4()), "event_id": forum.event_id},
                               token=nomad_token)
    assert registration.status == 1, registration  # CONFIRMED
    ticket = events.call("GetTicket", {"registration_id": registration.registration_id}, token=nomad_token).token

    browser.open("/desk")
    browser.driver.get(browser.driver.find_element(By.ID, f"desk-event-{forum.event_id}").get_attribute("href"))
    assert browser.page() == "desk_scan", browser.page()
    browser.check("desk-gate")
    scan(browser, ticket)
    assert outcome(browser) == "valid", browser.text()
    assert "Ana" in browser.driver.find_element(By.ID, "desk-holder").text
    assert browser.driver.find_elements(By.ID, "desk-recorded"), "the check-in is recorded"
    browser.check("desk-gate-checked-in")
    mine = events.call("ListMyRegistrations", {"page": {"page_size": 100}}, token=nomad_token).registrations
    assert any(r.registration_id == registration.registration_id and r.checked_in for r in mine), mine

    # The same ticket a second time is not let in twice.
    scan(browser, ticket)
    assert outcome(browser) == "refused", browser.text()
    reason = browser.driver.find_element(By.ID, "desk-reason").text
    if language in ("ru", "ar"):
        assert reason == catalogue_text(language, "error.desk_checkin.ALREADY_EXISTS"), reason
    else:
        assert reason, "the service's own sentence"
    browser.check("desk-gate-again")

    # Back to an empty scan field by the big link, without a click on JavaScript.
    browser.driver.get(browser.driver.find_element(By.ID, "desk-next").get_attribute("href"))
    assert outcome(browser) is None and browser.page() == "desk_scan"


def desk_journey(browser, identity, events, analytics, sign_in, nomad_token, nomad_id, card_qr, read_at):
    # Desks run on a tablet: the screenshots show what the desk sees.
    size = browser.driver.get_window_size()
    browser.driver.set_window_size(*TABLET)
    try:
        sign_in(browser, DESK[0], password=DESK[1])
        site_desk(browser, identity, analytics, nomad_token, nomad_id, card_qr, read_at)
        event_gate(browser, events, nomad_token)
        browser.click("signout-submit")
    finally:
        browser.driver.set_window_size(size["width"], size["height"])
