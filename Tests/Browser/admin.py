"""The administrator in the browser (the officers' Chromium, signed in as the
suite's admin): creates an officer account after a refused try (a password
too short, told next to the field), the new officer can sign in; disables
it with a reason, after which its sign-in is refused; adds a community site,
which the public sites page then lists."""
import os
import uuid

import grpc

from workbench import sign_in_as

ADMIN = ("admin", os.environ.get("NOMAD_ADMIN_PASSWORD", ""))
PASSWORD = "Harbour-Lights-2026"


def admin_journey(browser, identity):
    assert ADMIN[1], "NOMAD_ADMIN_PASSWORD is not set (scripts/browser-tests.sh reads it from nomadctl up)"
    sign_in_as(browser, ADMIN)
    browser.open("/admin/officers")
    assert browser.page() == "admin-officers", browser.page()
    browser.check("admin-officers")

    username = f"housing-{uuid.uuid4().hex[:6]}"
    browser.fill({"username": username, "password": "short", "display_name": "住房保障专员", "department": "housing"})
    assert browser.click("create-officer") == "admin-officers"
    assert browser.error("password"), "no error next to the password"
    assert browser.field("username").get_attribute("value") == username, "what was typed is lost"
    browser.check("admin-officer-refused")
    browser.fill({"password": PASSWORD, "department": "housing"})
    assert browser.click("create-officer") == "admin-officers"
    admin = identity.login(*ADMIN)
    officers = identity.call("ListOfficers", {"department": "housing"}, token=admin).officers
    created = [o for o in officers if o.username == username]
    assert created, "the officer was not created"
    officer_id = created[0].id
    browser.field(f"officer-{officer_id}")
    browser.check("admin-officer-created")
    assert identity.login(username, PASSWORD), "the new officer cannot sign in"

    browser.fill({f"reason_{officer_id}": "Moved to another bureau"})
    assert browser.click(f"disable-{officer_id}") == "admin-officers"
    browser.check("admin-officer-disabled")
    try:
        identity.login(username, PASSWORD)
        raise AssertionError("a disabled officer signed in")
    except grpc.RpcError as error:
        assert error.code() in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED), error.code()

    name = f"Baimajing Harbour Hub {uuid.uuid4().hex[:4]}"
    browser.open("/admin/sites")
    browser.check("admin-sites")
    browser.fill({"name_zh": "白马井港湾社区", "name_en": name, "area": "linked", "address": "儋州市白马井镇港湾路 6 号",
                  "capacity": "40", "amenities": "fast internet, meeting room"})
    browser.field("international").click()
    assert browser.click("create-site") == "admin-sites"
    browser.check("admin-site-created")
    sites = identity.call("ListSites", {"page": {"page_size": 200}}).sites
    assert any(site.name.en == name and site.international for site in sites), "the site is not listed"
