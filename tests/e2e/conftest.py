"""Browser journeys: pytest-playwright driving Debian's Chromium against pytest-django's live server.

Every user logs in through the login page. Screenshots of key pages go to screenshots/<test name>/NN-<step>.png
(the folder is gitignored); when a test fails, screenshots/<test name>/failed.png shows the page at the failing
step.
"""

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_ROOT = REPO_ROOT / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "pass-Word-2026"  # the password of every user made by accounts.tests.factories.UserFactory

# The application's autosave waits this long after the last keystroke (static/js/portal.js DEBOUNCE_MS).
AUTOSAVE_DEBOUNCE_MS = 1500


def pytest_configure(config):
    # pytest-playwright's base_url fixture trips a pytest 9 deprecation warning that is not ours to fix.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
    )


@pytest.fixture(scope="session")
def _serialized_db_contents(django_db_setup):
    """The database contents Django serialized at creation, for serialized_rollback (the divisions)."""
    from django.db import connections

    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


@pytest.fixture(scope="session")
def playwright(_serialized_db_contents, playwright):
    """Playwright's sync API leaves its event loop running in this thread, so Django (asgiref) hands the tests
    fresh connection objects from then on, without the serialized contents that serialized_rollback restores
    before each test: after the first test's flush, the divisions would be gone. Give them back."""
    from django.db import connections

    for alias, contents in _serialized_db_contents.items():
        connections[alias]._test_serialized_contents = contents
    return playwright


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).is_file():
        pytest.fail("缺少 Chromium 浏览器（/usr/bin/chromium），请运行：apt-get install -y chromium", pytrace=False)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--lang=zh-CN",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": 1366, "height": 900},
        "accept_downloads": True,
    }


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell in their teardown whether the test failed."""
    report = yield
    item.__dict__.setdefault("e2e_reports", {})[report.when] = report
    return report


def _slug(text: str) -> str:
    return re.sub(r"[^\w\-]+", "_", text, flags=re.UNICODE).strip("_") or "step"


@dataclass
class Portal:
    """The live portal in one browser page: navigation, login, screenshots and dialogs."""

    page: Page
    base_url: str
    shot_dir: Path
    dialogs: list = field(default_factory=list)
    _shots: int = 0

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str):
        return self.page.goto(self.url(path))

    def shot(self, step: str, *, full_page: bool = True) -> Path:
        self._shots += 1
        self.shot_dir.mkdir(parents=True, exist_ok=True)
        path = self.shot_dir / f"{self._shots:02d}-{_slug(step)}.png"
        self.page.screenshot(path=path, full_page=full_page)
        return path

    def logout(self) -> None:
        button = self.page.get_by_role("button", name="退出登录")
        if self.page.url.startswith(self.base_url) and button.count():
            button.click()
            self.page.wait_for_load_state()

    def login(self, user, password: str = PASSWORD) -> None:
        """Log in through the login page, as a person would (logging out whoever was logged in first)."""
        self.logout()
        self.goto("/accounts/login/")
        expect(self.page.get_by_role("heading", name="用户登录")).to_be_visible()
        self.page.get_by_label("用户名").fill(user.username)
        self.page.get_by_label("密码").fill(password)
        self.page.get_by_role("button", name="登录", exact=True).click()
        expect(self.page.get_by_role("button", name="退出登录")).to_be_visible()
        expect(self.page.locator(".portal-header__user")).to_contain_text(user.display_name)

    def field(self, label: str, *, scope=None):
        """The form control labelled exactly `label` (a required field's label ends with an asterisk)."""
        return (scope or self.page).get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))

    def nav(self, label: str) -> None:
        """Follow an entry of the main navigation (opening the collapsed "菜单" first on a narrow screen)."""
        nav = self.page.get_by_role("navigation", name="主导航")
        link = nav.get_by_role("link", name=label, exact=True)
        toggler = nav.get_by_role("button", name="菜单")
        if toggler.is_visible() and not link.is_visible():
            toggler.click()
        link.click()
        self.page.wait_for_load_state()

    def assert_no_horizontal_scroll(self) -> None:
        """The page fits the viewport's width: nothing makes the visitor scroll sideways."""
        widths = self.page.evaluate("() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
        assert widths["scroll"] <= widths["inner"], f"页面出现横向滚动条：{widths}"

    def open_from_queue(self, cluster_name: str, state_label: str) -> None:
        """A reviewer's queue opens on the applications waiting for them; open the one of this cluster."""
        self.nav("审核队列")
        expect(self.page.get_by_role("heading", level=1, name="审核队列")).to_be_visible()
        tabs = self.page.get_by_role("navigation", name="按状态筛选")
        expect(tabs.locator(".nav-link.active")).to_contain_text(state_label)
        row = self.page.get_by_role("row").filter(has_text=cluster_name)
        expect(row).to_have_count(1)
        row.get_by_role("link", name="办理 / 查看").click()
        expect(self.page.get_by_role("heading", level=1, name=cluster_name)).to_be_visible()

    def state_badge(self):
        """The application's current state on its detail page ("当前状态：<badge>")."""
        return self.page.locator("main header p").filter(has_text="当前状态：").locator(".badge")

    def expect_message(self, text) -> None:
        expect(self.page.locator("main .alert").filter(has_text=text).first).to_be_visible()

    def wait_autosaved(self) -> None:
        """Wait until the section form's autosave has stored every edit made so far.

        "已自动保存" appears after each save; a save that was scheduled while another was in flight starts one
        debounce later, so wait out one more debounce and then for the status to settle again.
        """
        status = self.page.locator("[data-autosave-status]").first
        expect(status).to_contain_text("已自动保存", timeout=15_000)
        self.page.wait_for_timeout(AUTOSAVE_DEBOUNCE_MS + 300)
        expect(status).to_contain_text("已自动保存", timeout=15_000)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each journey starts with an empty cache: the objection throttle counts per client address for an hour, and
    every browser comes from 127.0.0.1, so earlier runs' objections would otherwise refuse this run's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def shot_dir(request) -> Path:
    directory = SCREENSHOT_ROOT / _slug(request.node.originalname)
    shutil.rmtree(directory, ignore_errors=True)  # only this run's pictures
    return directory


@pytest.fixture
def portal(page: Page, live_server, shot_dir, request):
    """The live portal in the test's page. Confirmation dialogs (data-confirm, unsaved changes) are accepted."""
    page.set_default_timeout(15_000)
    portal = Portal(page=page, base_url=live_server.url, shot_dir=shot_dir)

    def on_dialog(dialog):
        portal.dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", on_dialog)
    yield portal
    reports = request.node.__dict__.get("e2e_reports", {})
    if any(r.failed for r in reports.values()):
        try:
            shot_dir.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=shot_dir / "failed.png", full_page=True)
        except Exception as exc:  # noqa: BLE001 - a closed or crashed page must not hide the real failure
            print(f"failed.png not taken: {exc}")
