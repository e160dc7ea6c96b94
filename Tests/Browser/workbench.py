"""The officers' workbench in the browser, in a second Chromium beside the
nomad's: the talent officer finds the nomad's certification on the queue,
opens it (criteria, the uploaded PDF opened from the page), asks for one
more document with a reason, and later approves, both decisions then on the
department's audit trail under the case; an officer of the data
bureau does not see it (absent from the queue, 403 on its page) and accepts
the nomad's data contribution and an enterprise's request to use a data
pool (sent over gRPC) on the queue instead; the exit-entry officer
approves the nomad's work permit (applied for over gRPC) on the queue."""
import datetime
import urllib.error
import urllib.request
import uuid

from selenium.webdriver.common.by import By

from harness import PORTAL

TALENT = ("demo-talent-officer", "nomad-zone-demo")
DATA = ("demo-assets-officer", "nomad-zone-demo")
PERMITS = ("demo-permit-officer", "nomad-zone-demo")
ENTERPRISE = ("demo-tide-tech", "nomad-zone-demo")


def sign_in_as(browser, who):
    browser.driver.delete_all_cookies()
    browser.open("/signin")
    browser.fill({"username": who[0], "password": who[1]})
    browser.click("signin-submit")


def fetch(browser, path):
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.driver.get_cookies())
    request = urllib.request.Request(PORTAL + path, headers={"Cookie": cookies})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.headers.get("Content-Type"), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), b""


def open_certification(browser, application_id, shot):
    browser.open("/staff/queue")
    assert browser.page() == "staff-queue", browser.page()
    browser.field(f"certification-{application_id}")
    browser.check(f"{shot}-queue")
    assert browser.click(f"open-{application_id}") == "staff-certification", browser.page()
    browser.check(shot)


def decide_certification(browser, decision, reason=""):
    browser.driver.find_element(By.ID, f"decision_{decision}").click()
    if reason:
        browser.fill({"reason": reason})
    assert browser.click("decide-submit") == "staff-certification", browser.page()
    assert not browser.driver.find_elements(By.CSS_SELECTOR, ".notice-error"), browser.text()


def ask_for_documents(browser, application_id, reason):
    sign_in_as(browser, TALENT)
    open_certification(browser, application_id, "officer-certification")
    assert browser.driver.find_elements(By.CSS_SELECTOR, "#cert-criteria li"), "no criteria shown"
    links = browser.driver.find_elements(By.CSS_SELECTOR, "a.document-link")
    assert len(links) == 1, len(links)
    status, content_type, body = fetch(browser, links[0].get_attribute("href").removeprefix(PORTAL))
    assert status == 200 and content_type == "application/pdf" and body.startswith(b"%PDF"), (status, content_type, body[:8])
    # A reason is required to ask for documents: refused next to the field first.
    browser.driver.find_element(By.ID, "decision_request_documents").click()
    browser.click("decide-submit")
    assert browser.error("reason"), "no error next to the reason"
    browser.check("officer-certification-refused")
    decide_certification(browser, "request_documents", reason)
    browser.check("officer-certification-asked")


def approve(browser, application_id):
    sign_in_as(browser, TALENT)
    open_certification(browser, application_id, "officer-certification-again")
    decide_certification(browser, "approve")
    browser.check("officer-certification-approved")
    # Both decisions are on the department's audit trail, under the case.
    browser.open(f"/staff/audit?service=identity&subject=certification/{application_id}")
    assert browser.page() == "staff-audit", browser.page()
    actions = [e.get_attribute("data-action") for e in browser.driver.find_elements(By.CSS_SELECTOR, "#audit-entries li")]
    assert actions == ["certification.request_documents", "certification.approve"], actions
    browser.check("officer-audit")


def other_department_does_not_see(browser, application_id):
    sign_in_as(browser, DATA)
    browser.open("/staff/queue")
    assert not browser.driver.find_elements(By.ID, f"certification-{application_id}"), "another department sees the certification"
    browser.open(f"/staff/certifications/{application_id}")
    assert browser.page() == "error", browser.page()
    assert fetch(browser, f"/staff/certifications/{application_id}")[0] == 403
    browser.check("officer-other-department")


def decide_in_place(browser, kind, item_id, decision, shot):
    browser.field(f"{kind}-{item_id}")
    browser.driver.find_element(By.ID, f"decision_{item_id}_{decision}").click()
    assert browser.click(f"decide-{item_id}") == "staff-queue", browser.page()
    assert not browser.driver.find_elements(By.CSS_SELECTOR, ".notice-error"), browser.text()
    assert not browser.driver.find_elements(By.ID, f"{kind}-{item_id}"), f"the decided {kind} still waits"
    browser.check(shot)


def accept_contribution(browser, contribution_id, identity, assets):
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
    end = today + datetime.timedelta(days=30)
    grant = assets.call("RequestPoolAccess", {
        "request_id": str(uuid.uuid4()), "pool_code": "vehicle_road_cloud",
        "purpose": "Signal timing study for Danzhou's new district",
        "period_start": {"year": today.year, "month": today.month, "day": today.day},
        "period_end": {"year": end.year, "month": end.month, "day": end.day}}, token=identity.login(*ENTERPRISE))
    sign_in_as(browser, DATA)
    browser.open("/staff/queue")
    browser.field(f"contribution-{contribution_id}")
    browser.check("officer-data-queue")
    decide_in_place(browser, "contribution", contribution_id, "accept", "officer-data-accepted")
    # Refusing needs a reason, told next to the field; then granted.
    browser.driver.find_element(By.ID, f"decision_{grant.grant_id}_reject").click()
    browser.click(f"decide-{grant.grant_id}")
    assert browser.error(f"reason_{grant.grant_id}"), "no error next to the reason"
    browser.check("officer-pool-refusal-needs-reason")
    decide_in_place(browser, "pool_access", grant.grant_id, "grant", "officer-pool-granted")
    granted = assets.call("ListPoolGrants", {"status": 2}, token=identity.login(*ENTERPRISE)).grants
    assert grant.grant_id in [g.grant_id for g in granted], "the grant was not recorded"


def approve_permit(browser, identity, nomad):
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
    permit = identity.call("ApplyPermit", {
        "request_id": str(uuid.uuid4()), "months": 12, "activities": [1],
        "start_date": {"year": today.year, "month": today.month, "day": today.day}}, token=nomad)
    sign_in_as(browser, PERMITS)
    browser.open("/staff/queue")
    browser.field(f"permit-{permit.id}")
    browser.check("officer-permit-queue")
    decide_in_place(browser, "permit", permit.id, "approve", "officer-permit-approved")
    assert identity.call("GetPermit", {"id": permit.id}, token=nomad).status == 2  # APPROVED
