"""A function URL in a real browser: headless Chromium opens the page a function returns.

Both addresses localaws gives a function URL are opened as a learner would paste them: the
path-style ``FunctionUrl`` on 127.0.0.1, and the ``<url-id>.lambda-url.<region>.localhost``
name, which the browser resolves to this machine by itself. A screenshot of each is saved
under ``test-artifacts/browser/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser

from tests.front_doors import ECHO_SOURCE
from tests.helpers import ServerProcess, aws_client
from tests.lab_fixtures import deploy

pytestmark = [pytest.mark.browser, pytest.mark.server]
PAGE_LOADS_MS = 30_000


@pytest.fixture(scope="module")
def page_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """(the function URL of a function that serves an HTML page, the server's port)."""
    server = ServerProcess(tmp_path_factory.mktemp("localaws-state"))
    server.start()
    try:
        lam = aws_client(server.endpoint, "lambda")
        deploy(lam, aws_client(server.endpoint, "iam"), "page", ECHO_SOURCE)
        url = lam.create_function_url_config(FunctionName="page", AuthType="NONE")["FunctionUrl"]
        lam.add_permission(
            FunctionName="page", StatementId="url", Action="lambda:InvokeFunctionUrl",
            Principal="*", FunctionUrlAuthType="NONE",
        )  # fmt: skip
        lam.add_permission(
            FunctionName="page", StatementId="invoke", Action="lambda:InvokeFunction",
            Principal="*", InvokedViaFunctionUrl=True,
        )  # fmt: skip
        yield str(url), server.port
    finally:
        server.stop()


def test_the_browser_shows_the_page_the_function_returns(
    browser: Browser, page_url: tuple[str, int], artifacts: Path
) -> None:
    url, port = page_url
    url_id = urlsplit(url).path.split("/")[2]
    host_style = f"http://{url_id}.lambda-url.us-east-1.localhost:{port}/"
    context = browser.new_context()
    page = context.new_page()
    try:
        for name, address in (("path-style", url), ("host-style", host_style)):
            response = page.goto(address + "html", timeout=PAGE_LOADS_MS)
            assert response is not None and response.status == 200, name
            assert page.title() == "Offline"
            heading = page.locator("#greeting")
            assert heading.inner_text() == "Hello from Lambda"
            request_id = page.locator("p").inner_text()
            assert len(request_id) == 36 and response.headers["x-amzn-requestid"] == request_id
            page.screenshot(path=artifacts / f"function-url-{name}.png")
    finally:
        context.close()
