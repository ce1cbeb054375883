"""`coursepack play --learner all` on the SRO course as xAPI and cmi5 (the preview's mini
LRS): exit 0, and the statements agree with tests/test_xapi_e2e.py."""

from __future__ import annotations

import pytest

from tests.test_play import require_browser  # noqa: F401 - a fixture
from tests.test_play_sro import common, played, sro_zips  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("target", ["xapi", "cmi5"])
def test_play_all_learners_sro_lrs(require_browser, sro_zips, target):  # noqa: F811
    results = played(sro_zips(target))
    common(results)
    passed = results["pass"]["recorded"]
    assert passed["verbs"] == ["completed", "passed"] and passed["score"] == "100"
    assert results["fail"]["recorded"]["verbs"] == ["completed", "failed"]
    assert passed["statement_verbs"]["terminated"] == 1
