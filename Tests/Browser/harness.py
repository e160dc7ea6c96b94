"""What every browser test shares: a real Chromium driven by Selenium
(Debian's chromium and chromium-driver), axe-core for accessibility, a
screenshot of every page visited, and the portal's own conventions
(`data-page` on <main>, `<field>-error` next to a field, `_csrf` on forms)."""
import json
import os
import re
import time
import urllib.request

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

PORTAL = os.environ.get("NOMAD_PORTAL_URL", "http://127.0.0.1:8080")
SHOTS = os.environ.get("NOMAD_SCREENSHOT_DIR", "browser-screenshots")
LANGUAGES = ["en", "zh-CN", "ru", "ar"]
CATALOGUES = os.path.join(os.path.dirname(__file__), "../../Services/Portal/Library/Resources/i18n")
# Every key of the portal's message catalogues: one showing on a page is a
# sentence nobody translated.
CATALOGUE_KEYS = sorted({
    match for match in re.findall(r'^msgid "([^"]+)"', open(os.path.join(CATALOGUES, "en.po"), encoding="utf-8").read(), re.M)
    if "." in match
})


class Browser:
    """One Chromium, with or without JavaScript, in one language."""

    def __init__(self, language="en", javascript=True, label=None):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=412,915"):
            options.add_argument(flag)
        options.add_argument(f"--lang={language}")
        options.add_experimental_option("prefs", {
            "intl.accept_languages": language,
            "profile.managed_default_content_settings.javascript": 1 if javascript else 2,
        })
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.set_page_load_timeout(30)
        self.language = language
        self.javascript = javascript
        self.label = label or f"{language}{'' if javascript else '-nojs'}"
        self.visited = []
        self.violations = {}
        os.makedirs(SHOTS, exist_ok=True)

    def close(self):
        self.driver.quit()

    # ---- navigation
    def open(self, path):
        self.driver.get(PORTAL + path)
        return self.page()

    def page(self):
        return self.driver.find_element(By.TAG_NAME, "main").get_attribute("data-page")

    def field(self, name):
        return self.driver.find_element(By.ID, name)

    def fill(self, values):
        for name, value in values.items():
            element = self.field(name)
            if element.tag_name == "select":
                from selenium.webdriver.support.ui import Select
                Select(element).select_by_value(value)
            elif element.get_attribute("type") == "file":
                element.send_keys(value)
            else:
                element.clear()
                element.send_keys(value)

    def click(self, element_id):
        """Clicks a submit button and waits for the page it leads to (every
        form posts and redirects, so the old document goes away)."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.ID, element_id).click()

        def replaced(_):
            # Chromium answers a question about a node of the left page with
            # "stale element" or, mid-navigation, "node does not belong to the
            # document": either way the old page is gone.
            try:
                old.is_enabled()
                return False
            except WebDriverException:
                return True

        WebDriverWait(self.driver, 30).until(replaced)
        return self.page()

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def error(self, field):
        return self.driver.find_element(By.ID, f"{field}-error").text

    def axe(self):
        # Chromium's inspector sometimes loses a node while axe walks a large
        # inline SVG (the QR); a second run over the unchanged page settles it.
        from selenium.common.exceptions import WebDriverException
        try:
            return _axe_once(self.driver)
        except WebDriverException:
            time.sleep(1)
            return _axe_once(self.driver)

    # ---- checks every page gets
    def check(self, name):
        """Screenshot, axe, and the page-wide promises: lang and dir on <html>,
        one h1, no untranslated catalogue key."""
        html = self.driver.find_element(By.TAG_NAME, "html")
        assert html.get_attribute("lang") == self.language, (name, html.get_attribute("lang"))
        expected_dir = "rtl" if self.language == "ar" else "ltr"
        assert (html.get_attribute("dir") or "ltr") == expected_dir, (name, html.get_attribute("dir"))
        assert len(self.driver.find_elements(By.TAG_NAME, "h1")) == 1, (name, "one h1")
        text = self.text()
        untranslated = [key for key in CATALOGUE_KEYS if re.search(rf"(?<![\w.]){re.escape(key)}(?![\w.])", text)]
        assert not untranslated, (name, "untranslated keys", untranslated[:5])
        shot = os.path.join(SHOTS, f"{self.label}-{len(self.visited):02d}-{name}.png")
        self.driver.save_screenshot(shot)
        self.visited.append(name)
        if self.javascript:
            result = self.axe()
            serious = [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]
            self.violations[name] = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]]
            assert not serious, (name, [(v["id"], v["impact"], v["nodes"][0]["target"]) for v in serious])


def _axe_once(driver):
    axe = Axe(driver)
    axe.inject()
    return axe.run()


def wait_for_portal(timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(PORTAL + "/healthz", timeout=5) as response:
                if response.status == 200 and json.loads(response.read()).get("status") == "SERVING":
                    return
        except Exception:
            pass
        time.sleep(1)
    raise SystemExit("the portal did not report healthy")
