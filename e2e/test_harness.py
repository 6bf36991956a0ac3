"""The watch over the browser: page errors are caught, failures leave their pages."""

from __future__ import annotations

import pytest

from pkh.testing import artifacts_folder, save_artifacts

BROKEN = "<h1>Rusak</h1><script>console.error('gagal memuat data'); null.x;</script>"


@pytest.mark.browser
def test_console_errors_and_uncaught_exceptions_fail_the_test(browser):
    page = browser.new_page()
    page.set_content(BROKEN)
    page.wait_for_function("true")  # the script has run; its events are delivered
    page.wait_for_timeout(100)
    assert any("console error: gagal memuat data" in p for p in browser.problems)
    assert (
        "uncaught exception: Cannot read properties of null (reading 'x') (page about:blank)"
        in (browser.problems)
    )
    with pytest.raises(pytest.fail.Exception, match="page errors"):
        browser.assert_no_page_errors()
    browser.problems.clear()  # seen and expected: not a failure of this test


@pytest.mark.browser
def test_a_failure_keeps_a_screenshot_and_the_html_of_every_page(browser, tmp_path):
    first = browser.new_page(viewport={"width": 360, "height": 740})
    first.set_content("<h1>Keluarga Saya</h1>")
    second = browser.new_page()
    second.set_content("<p>Impor roster</p><script>console.error('x')</script>")
    second.wait_for_timeout(100)
    folder = tmp_path / "artifacts"
    save_artifacts(folder, browser)
    assert (folder / "page-1.png").read_bytes().startswith(b"\x89PNG")
    assert "Keluarga Saya" in (folder / "page-1.html").read_text()
    assert "Impor roster" in (folder / "page-2.html").read_text()
    assert "console error: x" in (folder / "pages.txt").read_text()
    browser.problems.clear()


def test_artifacts_folder_is_named_after_the_test():
    folder = artifacts_folder("e2e/test_menu.py::test_menu_fits_every_screen[admin1]")
    assert folder.parts[-3:] == (
        "artifacts",
        "browser",
        "e2e-test_menu.py-test_menu_fits_every_screen-admin1",
    )
