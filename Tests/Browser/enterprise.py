"""An enterprise in the browser (the second Chromium, signed in as a seeded
enterprise): publishes a job after a refused try (no title, told next to the
field, what was chosen kept), sees the nomads who match it in the same order
as MatchNomads gives them over gRPC, each part of the score explained, opens
one nomad's skill gap. A seeded nomad holding the skill then finds the job
on their work page, opens their own gap for it and applies with a note,
after which the enterprise's order list holds the application; the
enterprise closes the job with a reason after a refused try without one,
and it is then closed in the jobs service."""
import uuid

from selenium.webdriver.common.by import By

from workbench import sign_in_as

STUDIO = ("demo-bay-studio", "nomad-zone-demo")
# DemoSeed gives demo-chen data.labelling and design.ui at level 4.
CHEN = ("demo-chen", "nomad-zone-demo")
APPLIED = 1  # ORDER_STATUS_APPLIED
CLOSED = 3  # JOB_STATUS_CLOSED


def enterprise_journey(browser, identity, jobs):
    sign_in_as(browser, STUDIO)
    browser.open("/enterprise/jobs")
    assert browser.page() == "enterprise-jobs", browser.page()
    browser.check("enterprise-jobs")

    title = f"UI designer for the harbour app {uuid.uuid4().hex[:6]}"
    browser.fill({"description": "Screens for the fishing port's tide-table app.", "skill_1": "design.ui",
                  "level_1": "3", "mode": "remoteOrder", "seats": "2", "budget": "8000", "tools": "Figma"})
    assert browser.click("publish-job") == "enterprise-jobs"
    assert browser.error("title"), "no error next to the title"
    assert browser.field("skill_1").get_attribute("value") == "design.ui", "the chosen skill is lost"
    browser.check("enterprise-job-refused")
    browser.fill({"title": title})
    assert browser.click("publish-job") == "enterprise-job", browser.page()

    studio = identity.login(*STUDIO)
    mine = jobs.call("ListJobs", {"enterprise_id": identity.call("GetAccount", {}, token=studio).id,
                                  "page": {"page_size": 100}}, token=studio).jobs
    job = [j for j in mine if j.title == title]
    assert job, "the job was not published"
    job_id = job[0].job_id
    assert job[0].required_skills[0].skill_code == "design.ui" and job[0].required_skills[0].essential, job[0]
    expected = [m.nomad_id for m in jobs.call("MatchNomads", {"job_id": job_id, "limit": 20}, token=studio).matches]
    assert expected, "the seeded nomads hold design.ui: someone must match"
    shown = [item.get_attribute("id")[len("match-"):]
             for item in browser.driver.find_elements(By.CSS_SELECTOR, "li[id^='match-']")]
    assert shown == expected, (shown, expected)
    first = browser.driver.find_element(By.ID, f"match-{expected[0]}")
    assert first.find_elements(By.CSS_SELECTOR, "ul li"), "each skill's part is explained"
    browser.check("enterprise-job")

    first.find_element(By.CSS_SELECTOR, "a.gap-link").click()
    assert browser.page() == "skill-gap", browser.page()
    browser.check("skill-gap")

    nomad_applies(browser, identity, jobs, job_id, title, studio)

    sign_in_as(browser, STUDIO)
    browser.open(f"/enterprise/jobs/{job_id}")
    assert browser.click("close-job") == "enterprise-job"
    assert browser.error("reason"), "no error next to the reason"
    browser.fill({"reason": "Filled through a partner studio"})
    assert browser.click("close-job") == "enterprise-jobs", browser.page()
    browser.field(f"job-{job_id}")
    browser.check("enterprise-job-closed")
    assert jobs.call("GetJob", {"job_id": job_id}, token=studio).status == CLOSED
    browser.click("signout-submit")


def nomad_applies(browser, identity, jobs, job_id, title, studio):
    sign_in_as(browser, CHEN)
    browser.open("/work")
    assert browser.page() == "work", browser.page()
    item = browser.field(f"job-{job_id}")
    assert item.find_elements(By.CSS_SELECTOR, "ul li"), "each skill's part is explained"
    browser.check("work")
    item.find_element(By.CSS_SELECTOR, "a.gap-link").click()
    assert browser.page() == "skill-gap", browser.page()
    browser.check("work-gap")
    browser.open("/work")
    browser.fill({f"note_{job_id}": "I drew the tide-table screens for the harbour office."})
    assert browser.click(f"apply-{job_id}") == "orders", browser.page()
    assert title in browser.text(), "the order names its job"
    browser.check("work-applied")
    chen = identity.call("GetAccount", {}, token=identity.login(*CHEN)).id
    orders = jobs.call("ListOrders", {"job_id": job_id, "page": {"page_size": 100}}, token=studio).orders
    applied = [o for o in orders if o.job_id == job_id and o.nomad_id == chen]
    assert applied and applied[0].status == APPLIED, applied
    browser.click("signout-submit")
