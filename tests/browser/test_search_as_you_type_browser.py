"""Search as you type in a real browser: results follow the typing, the live region
announces the count once typing pauses (search/static/search/directory.js)."""

import pytest

from directory.choices import CareerStage
from tests.factories import ResearcherPageFactory

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Counts every change of the live region's text and every swap of the results.
WATCH = """() => {
  window.announced = [];
  window.swaps = 0;
  const count = document.getElementById("result-count");
  new MutationObserver(() => window.announced.push(count.textContent.trim()))
    .observe(count, {childList: true, characterData: true, subtree: true});
  new MutationObserver(() => { window.swaps += 1; })
    .observe(document.getElementById("directory-hits"), {childList: true});
}"""


@pytest.fixture
def people(live_server):
    ResearcherPageFactory(
        given_name="Alba", family_name="Quispe", slug="alba-quispe", career_stage=CareerStage.EARLY
    )
    ResearcherPageFactory(
        given_name="Bea",
        family_name="Thornton",
        slug="bea-thornton",
        career_stage=CareerStage.SENIOR,
    )


def test_typing_slowly_updates_results_but_announces_the_count_once(tab, live_server, people):
    tab.goto(f"{live_server.url}/directory/")
    expect(tab.locator("#result-count")).to_have_text("2 researchers")
    tab.evaluate(WATCH)
    # 400 ms between keys: longer than the pause after which results are fetched,
    # shorter than the pause after which the count is announced.
    tab.locator("#directory-q").press_sequentially("Alba zz", delay=400)
    expect(tab.locator("#result-count")).to_have_text("0 researchers found")
    tab.wait_for_timeout(1000)  # nothing more is announced afterwards
    # The results followed the typing ("Al" already finds Alba alone)...
    assert tab.evaluate("window.swaps") > 1
    # ...but the live region changed once, to the final count.
    assert tab.evaluate("window.announced") == ["0 researchers found"]
