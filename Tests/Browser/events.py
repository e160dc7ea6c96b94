"""A nomad and a full event, in the browser. The events officer organises a
meetup with one place (over gRPC, as an organiser's own system would) and
another nomad takes it; the journey's nomad searches the list by a word of
the title in their language, opens the event (full: registering joins the
waitlist), registers and is told their place in line, on the event and on
/my/events. The seat holder cancels (over gRPC); the nomad reloads
/my/events and finds the place confirmed, with the ticket drawn as a QR that
scans to the events service's own ticket; then cancels it in the browser.
A malformed event id gives the 404 page.

Everything is a link or a form, so this runs the same with JavaScript off."""
import datetime
import os
import subprocess
import time
import urllib.parse
import uuid

from selenium.webdriver.common.by import By

from desk import catalogue_text
from harness import SHOTS

ORGANISER = ("demo-events-officer", "nomad-zone-demo")
FORUM_EN = "Xinying Bay Digital Nomad Forum"
TITLES = {
    "en": "Tide-table makers meetup", "zh-CN": "潮汐表创客交流会",
    "ru": "Встреча создателей таблиц приливов", "ar": "لقاء صانعي جداول المد والجزر",
}
DESCRIPTIONS = {
    "en": "Bring a laptop: we build offline tide tables for the fishing port.",
    "zh-CN": "请自带电脑：我们一起为渔港制作离线潮汐表。",
    "ru": "Возьмите ноутбук: делаем офлайн-таблицы приливов для рыбного порта.",
    "ar": "أحضر حاسوبك: نبني جداول مدّ وجزر تعمل دون اتصال لميناء الصيد.",
}
# A word of the title in the page's language; the English one in another case.
SEARCH = {"en": "TIDE-table", "zh-CN": "潮汐表", "ru": "приливов", "ar": "المد"}
DIGITS = {"1": ("1", "١")}


def full_event(events, identity):
    """A published meetup in two days with one place, taken by a new nomad."""
    organiser = identity.login(*ORGANISER)
    forum = next(e for e in events.call("ListEvents", {"page": {"page_size": 100}}).events
                 if e.title.get("en") == FORUM_EN)
    start = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(days=2)
    suffix = uuid.uuid4().hex[:6]
    draft = events.call("CreateEvent", {"request_id": str(uuid.uuid4()), "event": {
        "kind": 6,  # MEETUP
        "title": {tag: f"{text} {suffix}" for tag, text in TITLES.items()},
        "description": DESCRIPTIONS,
        "venue": {"site": {"site_id": forum.venue.site.site_id, "area": 1, "address": "Xinying Bay, hall 2"}},
        "start_time": start, "end_time": start + datetime.timedelta(hours=3),
        "registration_close_time": start - datetime.timedelta(hours=1),
        "capacity": 1}}, token=organiser)
    event = events.call("PublishEvent", {"request_id": str(uuid.uuid4()), "event_id": draft.event_id}, token=organiser)

    username = "seat-" + uuid.uuid4().hex[:10]
    identity.call("RegisterNomad", {"request_id": str(uuid.uuid4()), "username": username,
                                    "password": "correct horse battery", "display_name": "Seat Holder",
                                    "nationality": "DE", "document_type": 2,
                                    "document_number": "C" + uuid.uuid4().hex[:8].upper(), "languages": ["en"]})
    holder = identity.login(username, "correct horse battery")
    seat = events.call("RegisterForEvent", {"request_id": str(uuid.uuid4()), "event_id": event.event_id}, token=holder)
    assert seat.status == 1, seat  # CONFIRMED: the one place
    return event, holder, seat


def registration_of(events, nomad_token, event_id):
    mine = events.call("ListMyRegistrations", {"page": {"page_size": 100}}, token=nomad_token).registrations
    live = [r for r in mine if r.event_id == event_id and r.status != 3]
    assert len(live) == 1, mine
    return live[0]


def shows_number(text, n):
    return any(digit in text for digit in DIGITS[n])


def tall_shot(browser, name):
    """The whole page (a tall window, no scrolling: one of the runs has
    JavaScript off), kept with the other screenshots."""
    size = browser.driver.get_window_size()
    browser.driver.set_window_size(size["width"], 2400)
    shot = os.path.join(SHOTS, f"{browser.label}-{len(browser.visited) - 1:02d}-{name}-whole.png")
    browser.driver.save_screenshot(shot)
    browser.driver.set_window_size(size["width"], size["height"])
    return shot


def scan_tall(browser, name):
    """Every QR on the page, read from its whole-page screenshot."""
    shot = tall_shot(browser, name)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", shot], capture_output=True, text=True)
    assert decoded.returncode == 0, ("the ticket's QR does not scan", decoded.stderr)
    return decoded.stdout.split()


def events_journey(browser, identity, events, sign_in, username, password):
    language = browser.language
    event, holder, seat = full_event(events, identity)
    nomad = identity.login(username, password)
    sign_in(browser, username, password=password)

    # The list, searched by a word of the title in the page's language.
    # (The public list is cached for a few seconds: a new event may need a second look.)
    for attempt in range(3):
        browser.open("/events")
        browser.fill({"q": SEARCH[language]})
        browser.click("search-submit")
        assert browser.page() == "events", browser.page()
        assert "q=" in browser.driver.current_url, browser.driver.current_url
        links = browser.driver.find_elements(By.ID, f"event-link-{event.event_id}")
        if links or attempt == 2:
            break
        time.sleep(3)
    assert links, ("the new event is found", browser.text()[:500])
    link = links[0]
    titles = [a.text for a in browser.driver.find_elements(By.CSS_SELECTOR, "#events h2 a")]
    assert all(SEARCH[language].lower() in t.lower() for t in titles), titles
    assert FORUM_EN not in browser.text(), "the forum's title does not match"
    browser.check("events-search")

    # The event: full, so the button joins the waitlist.
    browser.driver.get(link.get_attribute("href"))
    assert browser.page() == "event", browser.page()
    assert browser.driver.find_elements(By.ID, "event-full"), "a full event says so"
    assert browser.field("register-submit").text == catalogue_text(language, "event.join_waitlist")
    browser.check("event-full")
    tall_shot(browser, "event-full")
    browser.click("register-submit")
    assert browser.page() == "my_events", browser.page()
    registration = registration_of(events, nomad, event.event_id)
    rid = registration.registration_id
    assert registration.status == 2 and registration.waitlist_position == 1, registration  # WAITLISTED, first in line
    item = browser.driver.find_element(By.ID, f"reg-{rid}")
    assert item.get_attribute("data-status") == "waitlisted", item.get_attribute("outerHTML")[:300]
    assert shows_number(browser.field(f"position-{rid}").text, "1"), browser.field(f"position-{rid}").text
    assert shows_number(browser.field("notice").text, "1"), browser.field("notice").text
    assert not browser.driver.find_elements(By.ID, f"ticket-{rid}"), "no ticket while waitlisted"
    browser.check("my-events-waitlisted")

    # The event's page shows the registration instead of the button.
    browser.open(f"/events/{event.event_id}")
    assert browser.field("your-registration").get_attribute("data-status") == "waitlisted"
    assert not browser.driver.find_elements(By.ID, "register-submit")

    # The seat holder cancels; the place goes to the first in line.
    events.call("CancelRegistration", {"request_id": str(uuid.uuid4()), "registration_id": seat.registration_id},
                token=holder)
    browser.open("/my/events")
    item = browser.driver.find_element(By.ID, f"reg-{rid}")
    assert item.get_attribute("data-status") == "confirmed", item.text
    assert browser.field(f"state-{rid}").text == catalogue_text(language, "reg_status.confirmed")
    assert browser.driver.find_elements(By.CSS_SELECTOR, f"#ticket-{rid} svg.qr"), "the ticket's QR"
    browser.check("my-events-confirmed")
    ticket = events.call("GetTicket", {"registration_id": rid}, token=nomad).token
    assert ticket in scan_tall(browser, "my-events-confirmed"), "the QR is the service's ticket"

    # Cancelled in the browser, the registration says so and the ticket is gone.
    browser.click(f"cancel-{rid}")
    assert browser.page() == "my_events", browser.page()
    item = browser.driver.find_element(By.ID, f"reg-{rid}")
    assert item.get_attribute("data-status") == "cancelled", item.text
    assert not browser.driver.find_elements(By.ID, f"ticket-{rid}")
    assert browser.field("notice").text == catalogue_text(language, "my_events.cancelled")
    browser.check("my-events-cancelled")

    browser.open("/events/" + urllib.parse.quote("not-an-event"))
    assert browser.page() == "error", browser.page()
    browser.check("event-not-found")
    browser.click("signout-submit")
