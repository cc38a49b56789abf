"""Which queues the wall shows on which page: config pages, queues per page, fit."""

from __future__ import annotations

import pytest

from monitor.config import Config, ConfigError, check_queues, load_config
from monitor.wall_pages import WallPage, WallSettings, page_after, page_of, plan_pages

QUEUES = [("g", "hotline"), ("v", "hotline"), ("c", "hotline"), ("a", "online"), ("w", "online")]


def test_every_queue_in_floor_order_as_many_a_column_as_fit():
    pages = plan_pages(QUEUES, WallSettings(), fit=2)
    assert pages == [WallPage(("g", "v"), ("a", "w")), WallPage(("c",), ())]
    assert plan_pages(QUEUES, WallSettings(), fit=5) == [WallPage(("g", "v", "c"), ("a", "w"))]


def test_queues_per_page_caps_a_column_but_never_exceeds_the_fit():
    assert plan_pages(QUEUES, WallSettings(queues_per_page=1), fit=3) == [
        WallPage(("g",), ("a",)),
        WallPage(("v",), ("w",)),
        WallPage(("c",), ()),
    ]
    assert len(plan_pages(QUEUES, WallSettings(queues_per_page=9), fit=1)) == 3


def test_config_pages_choose_order_and_group_splitting_what_does_not_fit():
    settings = WallSettings(pages=(("w", "c", "g", "gone"), ("v",)))
    # Each queue to its channel's column, in the page's order; an unknown id is skipped.
    assert plan_pages(QUEUES, settings, fit=4) == [
        WallPage(("c", "g"), ("w",)),
        WallPage(("v",), ()),
    ]
    # A page with more in a column than fits becomes consecutive pages, never cut.
    assert plan_pages(QUEUES, settings, fit=1) == [
        WallPage(("c",), ("w",)),
        WallPage(("g",), ()),
        WallPage(("v",), ()),
    ]


def test_no_queues_is_one_empty_page_and_rotation_wraps():
    pages = plan_pages([], WallSettings(), fit=2)
    assert pages == [WallPage()]
    two = plan_pages(QUEUES, WallSettings(), fit=2)
    assert page_after(0, two) == 1 and page_after(1, two) == 0
    assert page_of("c", two) == 1 and page_of("nope", two) is None


def _load(tmp_path, text):
    path = tmp_path / "fw.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_wall_section_loads(tmp_path):
    cfg = _load(tmp_path, '[wall]\npages = [["g", "a"], ["v"]]\nrotation_s = 20\n')
    assert cfg.wall == WallSettings((("g", "a"), ("v",)), 0, 20.0)
    assert _load(tmp_path, "[wall]\nqueues_per_page = 3\n").wall.queues_per_page == 3
    assert Config().wall == WallSettings()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[wall]\nrotaton_s = 5\n", "wall.rotaton_s: unknown key (did you mean 'rotation_s'?)"),
        ("[wall]\nrotation_s = 1\n", "wall.rotation_s must be 3 to 3600 seconds (got 1)"),
        ("[wall]\nrotation_s = true\n", "wall.rotation_s must be 3 to 3600 seconds"),
        ("[wall]\nqueues_per_page = -1\n", "wall.queues_per_page must be a whole number 0"),
        ("[wall]\nqueues_per_page = 2.5\n", "wall.queues_per_page must be a whole number 0"),
        ('[wall]\npages = ["g"]\n', "wall.pages must be an array of non-empty arrays"),
        ("[wall]\npages = [[]]\n", "wall.pages must be an array of non-empty arrays"),
        ('[wall]\npages = [["g"]]\nqueues_per_page = 2\n', "give either wall.pages or"),
        ("wall = 3\n", "[wall] must be a table"),
    ],
)
def test_bad_wall_section_is_one_line_naming_file_and_key(tmp_path, text, message):
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, text)
    assert str(err.value).startswith(str(tmp_path / "fw.toml") + ": ")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_wall_page_naming_no_feed_queue_is_reported_once_queues_are_known(tmp_path):
    cfg = _load(tmp_path, '[wall]\npages = [["general", "ap"]]\n')
    with pytest.raises(
        ConfigError,
        match=r"wall.pages\[0\]: no feed has a queue 'ap' "
        r"\(did you mean 'app'\?\)",
    ):
        check_queues(cfg, ["general", "app"])
