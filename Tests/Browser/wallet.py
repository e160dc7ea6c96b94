"""The nomad's wallet in the browser: POW (credited for a labelling task,
sent over gRPC, that the data bureau's officer accepts on the workbench in
the officer's browser) exchanged for points,
points spent at a seeded merchant (a refusal first: more than they hold),
and points sent to another nomad by the number printed on their card: looked
up, shown with the name masked, confirmed, sent. Sending to one's own card
is refused next to the field. The balances are read back over gRPC."""
from selenium.webdriver.common.by import By

from workbench import accept_contribution
# A certified demo nomad (DemoSeed): the friend who receives the points.
FRIEND = ("demo-lin", "nomad-zone-demo")
FRIEND_MASKED = "林*"
CAFE = "Dongpo Academy Café"
POW, POINTS = 1, 2


def grouped(number):
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def wallet_journey(browser, officer_browser, identity, assets, nomad):
    task = assets.submit_task(nomad, 12)
    accept_contribution(officer_browser, task.contribution_id, identity, assets)
    rate = assets.call("GetExchangeRate", {}, token=nomad).points_per_pow
    browser.open("/wallet")
    assert browser.page() == "wallet", browser.page()
    browser.check("wallet")

    browser.fill({"pow_units": "12"})
    assert browser.click("exchange-submit") == "wallet"
    assert browser.driver.find_elements(By.CSS_SELECTOR, ".notice:not(.notice-error)"), "no notice after the exchange"
    browser.check("wallet-exchanged")
    points = 12 * rate
    assert assets.balance(nomad, POW) == 0 and assets.balance(nomad, POINTS) == points

    cafe = [m for m in assets.call("ListMerchants", {}, token=nomad).merchants if m.name.en == CAFE]
    assert cafe, "the seeded café takes points"
    # More than they hold: refused in their language, nothing paid.
    browser.fill({"merchant_id": cafe[0].merchant_id, "redeem_points": str(points + 1)})
    assert browser.click("redeem-submit") == "wallet"
    assert browser.driver.find_elements(By.CSS_SELECTOR, ".notice-error"), "an overdraft is not refused on the page"
    browser.check("wallet-redeem-refused")
    assert assets.balance(nomad, POINTS) == points
    browser.fill({"merchant_id": cafe[0].merchant_id, "redeem_points": "30", "redeem_memo": "flat white"})
    assert browser.click("redeem-submit") == "wallet"
    browser.check("wallet-redeemed")
    assert assets.balance(nomad, POINTS) == points - 30

    # One's own card is not a recipient: the refusal stands next to the field.
    own = identity.call("GetCard", {}, token=nomad).number
    browser.fill({"recipient": grouped(own), "send_points": "5"})
    assert browser.click("send-submit") == "wallet"
    assert browser.error("recipient"), "no error next to the recipient field"
    browser.check("wallet-send-refused")

    friend = identity.login(*FRIEND)
    friend_card = identity.call("GetCard", {}, token=friend).number
    friend_before = assets.balance(friend, POINTS)
    browser.fill({"recipient": grouped(friend_card), "send_points": "25", "send_memo": "dinner"})
    assert browser.click("send-submit") == "wallet-send", browser.page()
    assert browser.field("recipient-name").text == FRIEND_MASKED, browser.field("recipient-name").text
    assert friend_card not in browser.text() and grouped(friend_card) not in browser.text(), "the full card number is shown"
    browser.check("wallet-send-confirm")
    assert browser.click("send-confirm") == "wallet"
    assert not browser.driver.find_elements(By.CSS_SELECTOR, ".notice-error"), browser.text()
    browser.check("wallet-sent")
    assert assets.balance(friend, POINTS) == friend_before + 25
    assert assets.balance(nomad, POINTS) == points - 30 - 25
    rows = browser.driver.find_elements(By.CSS_SELECTOR, "#statement-lines tbody tr")
    assert len(rows) == 3, [row.text for row in rows]
