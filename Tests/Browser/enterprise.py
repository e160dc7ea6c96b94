"""An enterprise in the browser (the second Chromium, signed in as a seeded
enterprise): publishes a job after a refused try (no title, told next to the
field, what was chosen kept), sees the nomads who match it in the same order
as MatchNomads gives them over gRPC, each part of the score explained, opens
one nomad's skill gap, and closes the job with a reason after a refused try
without one; the job is then closed in the jobs service."""
import uuid

from selenium.webdriver.common.by import By

from workbench import sign_in_as

STUDIO = ("demo-bay-studio", "nomad-zone-demo")
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
    assert browser.page() == "enterprise-gap", browser.page()
    browser.check("enterprise-gap")

    browser.open(f"/enterprise/jobs/{job_id}")
    assert browser.click("close-job") == "enterprise-job"
    assert browser.error("reason"), "no error next to the reason"
    browser.fill({"reason": "Filled through a partner studio"})
    assert browser.click("close-job") == "enterprise-jobs", browser.page()
    browser.field(f"job-{job_id}")
    browser.check("enterprise-job-closed")
    assert jobs.call("GetJob", {"job_id": job_id}, token=studio).status == CLOSED
    browser.click("signout-submit")
