"""The Monev dashboard in a real browser: the map is drawn, a region clicked on the map opens its
rows, and each chart can be read as a table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
from playwright.sync_api import Page, expect

from jaring.accounts.models import User
from jaring.accounts.roles import Role


def test_provincial_dashboard_map_click_lands_on_the_regions_rows(
    live_server: Any,
    sign_in: Callable[[User], Page],
    make_user: Callable[..., User],
    add_people: Callable[..., pl.DataFrame],
) -> None:
    demak = add_people(30, "33.21", seed=31)
    add_people(20, "33.74", seed=32)
    page = sign_in(make_user("jateng", Role.PROVINCIAL_ADMIN, ("33",)))
    refused: list[str] = []  # what the content security policy blocked (inline style, script)
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.get_by_role("link", name="Monev", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jawa Tengah")
    expect(page.get_by_test_id("tiles")).to_contain_text("50")
    children = page.get_by_test_id("children")
    expect(children).to_contain_text("Kabupaten Demak")

    # Every chart has its table: the trend's, opened by a click.
    page.get_by_text("Sebagai tabel").first.click()
    expect(page.get_by_test_id("trend-table")).to_contain_text("50")

    chart = page.get_by_test_id("map")
    expect(chart).to_have_attribute("data-ready", "1")
    point = page.evaluate(
        """() => {
            const node = document.getElementById('chart-map');
            const data = JSON.parse(document.getElementById('monev-data').textContent);
            const demak = data.children.find((c) => c.code === '33.21');
            return echarts.getInstanceByDom(node).convertToPixel({seriesIndex: 0}, demak.centroid);
        }"""
    )
    box = chart.bounding_box()
    assert box is not None
    assert box["height"] >= 300  # its height comes from the style sheet, not a style attribute
    assert refused == []
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    page.wait_for_url("**/orang/?region=33.21")
    expect(page.get_by_test_id("people-count")).to_have_text("30 orang")
    table = page.get_by_test_id("people-table")
    expect(table).to_contain_text(demak["name"][0])
