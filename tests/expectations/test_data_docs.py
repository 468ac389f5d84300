"""Data Docs of a validation run: built by GX, then readable with no internet.

One build for the module (a clean district part, one unit's broken report); the page is
rendered in headless Chromium with every network request refused, so that a styled
screenshot proves the vendored Bootstrap, Font Awesome and bootstrap-table were used.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from expectations import data_docs
from papi_etl.validation import frames

CHROMIUM = "/usr/bin/chromium"
ASSET_TAG = re.compile(r"<(script|link|img|iframe|source|embed)\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""\b(src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
ANY_URL = re.compile(r"""\b(?:src|href)\s*=\s*["']((?:https?:)?//[^"']*)["']""", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""")


@pytest.fixture(scope="module")
def site(tmp_path_factory, plan, make_submission, q1):
    reports = {n: make_submission(u.code) for n, u in enumerate(plan.units[:4], start=1)}
    clean = frames.of_submissions(plan, reports)
    valid = make_submission("AL")
    tasks = tuple(dataclasses.replace(t, status="xong") for t in valid.tasks)
    broken = frames.of_submission(plan, dataclasses.replace(valid, tasks=tasks), 100)
    data_dir = tmp_path_factory.mktemp("data")
    index = data_docs.build(data_dir, frames.combine([clean, broken]), q1)
    return index


def _pages(index: Path) -> list[Path]:
    return sorted(index.parent.rglob("*.html"))


def test_the_index_and_a_page_per_suite_and_per_validation(site):
    assert site == site.parent / "index.html" and site.parent.name == "data-docs"
    pages = _pages(site)
    assert any("/expectations/" in p.as_posix() for p in pages)
    assert sum("/validations/" in p.as_posix() for p in pages) == 2  # one per suite
    assert "xong" in "".join(p.read_text(encoding="utf-8") for p in pages)


def test_no_page_loads_anything_from_the_network(site):
    pages = _pages(site)
    assert len(pages) >= 3
    remote = {}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for tag in re.finditer(r"<(?!a\b)[a-zA-Z]+\b[^>]*>", html):
            for url in ANY_URL.findall(tag.group(0)):
                remote.setdefault(page.relative_to(site.parent).as_posix(), []).append(url)
    assert remote == {}
    for sheet in site.parent.rglob("*.css"):
        urls = CSS_URL.findall(sheet.read_text(encoding="utf-8"))
        assert [u for u in urls if re.match(r"(?:https?:)?//", u)] == [], sheet
    assert data_docs.external_assets(site.parent) == {}


def test_the_scan_itself_finds_a_cdn_reference(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script><a href="https://x">'
    )
    assert data_docs.external_assets(tmp_path) == {page: "https://cdn.jsdelivr.net/npm/vega@5"}


def test_every_local_asset_exists(site):
    missing, checked = [], 0
    for page in _pages(site):
        for tag in ASSET_TAG.finditer(page.read_text(encoding="utf-8")):
            for _, url in ATTRIBUTE.findall(tag.group(0)):
                path = unquote(urlsplit(url).path)
                if not path or url.startswith(("#", "data:")):
                    continue
                checked += 1
                if not (page.parent / path).resolve().is_file():
                    missing.append((page.name, url))
    for sheet in site.parent.rglob("*.css"):
        for url in CSS_URL.findall(sheet.read_text(encoding="utf-8")):
            if url.startswith("data:"):
                continue
            checked += 1
            if not (sheet.parent / unquote(urlsplit(url).path)).resolve().is_file():
                missing.append((sheet.name, url))
    assert missing == []
    assert checked >= 30
    vendor = site.parent / data_docs.VENDOR_DIR
    assert sorted(vendor.glob("*/LICENSE*")) and len(list(vendor.glob("*/LICENSE*"))) == len(
        list(vendor.iterdir())
    )


def _chromium(url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={profile}",
            # Offline: any request leaving the machine fails, as in a district office.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=http://127.0.0.1:9",
            "--virtual-time-budget=20000",
            "--window-size=1200,800",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _styled_pixels(png: Path) -> dict[str, int]:
    """Pixels only a styled page has: Bootstrap's light greys (#f8f9fa, #e9ecef, #dee2e6:
    the navbar border, the jumbotron, table borders), and the status icons of the results
    table (Font Awesome glyphs coloured .text-success #28a745 / .text-danger #dc3545)."""
    from PIL import Image

    image = Image.open(png).convert("RGB")
    pixels = getattr(image, "get_flattened_data", image.getdata)()

    def near(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
        return all(abs(p - c) < 30 for p, c in zip(pixel, colour, strict=True))

    counts = {"light_grey": 0, "success_green": 0, "danger_red": 0}
    for pixel in pixels:
        if pixel != (255, 255, 255) and min(pixel) >= 215 and max(pixel) - min(pixel) <= 12:
            counts["light_grey"] += 1
        counts["success_green"] += near(pixel, (0x28, 0xA7, 0x45))
        counts["danger_red"] += near(pixel, (0xDC, 0x35, 0x45))
    return counts


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium")
def test_the_index_renders_styled_in_chromium_with_no_network(site, tmp_path):
    # Measured: ~44,600 light-grey pixels styled against ~4,500 unstyled (1200x800), and
    # ~170 green / ~30 red icon pixels against none.
    shot = tmp_path / "styled.png"
    run = _chromium(site.as_uri(), tmp_path / "profile", f"--screenshot={shot}")
    assert shot.is_file(), run.stderr[-2000:]
    dom = _chromium(site.as_uri(), tmp_path / "profile-dom", "--dump-dom").stdout
    # bootstrap-table's JS (with jQuery and Bootstrap's) ran: it wraps the table.
    assert 'class="bootstrap-table' in dom, dom[:2000]

    # The same page with the vendored files gone: what an office saw before.
    bare = tmp_path / "bare"
    shutil.copytree(site.parent, bare)
    shutil.rmtree(bare / data_docs.VENDOR_DIR)
    bare_shot = tmp_path / "bare.png"
    _chromium(
        (bare / "index.html").as_uri(), tmp_path / "profile-bare", f"--screenshot={bare_shot}"
    )

    styled, unstyled = _styled_pixels(shot), _styled_pixels(bare_shot)
    assert styled["light_grey"] > 5 * max(unstyled["light_grey"], 1000), (styled, unstyled)
    # One suite passed, one failed: a green and a red status icon.
    assert styled["success_green"] >= 50 and styled["danger_red"] >= 10, (styled, unstyled)
    assert unstyled["success_green"] == unstyled["danger_red"] == 0, (styled, unstyled)
