"""GX Data Docs for one validation run, readable with no internet.

    build(data_dir, frames, period) -> data_dir/data-docs/index.html

The docs show the same suites and checks as `expectations.runner` (its `_Engine`, built
here in a context of its own so that the runner's shared one keeps no docs site and no
results): one validation per suite over the period's frames, with the same period
parameters. The site is rebuilt from scratch on each call.

GX's page templates load Bootstrap, jQuery, Font Awesome, Vega ... from public CDNs, so
offline (a district office) the pages show as unstyled text. Those exact files (same
versions; see ASSETS) are vendored in `expectations/data_docs_assets/`, copied into
`data-docs/static/vendor/` and every reference in the generated HTML is rewritten to a
relative local path. `build` fails (OfflineDocsError) if any external asset reference is
left, so that a GX upgrade that adds a CDN file is noticed rather than shipped.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

from expectations import runner, suites
from papi_etl import calendar
from papi_etl.validation.frames import Frames

DOCS_DIR = "data-docs"
VENDOR_DIR = "static/vendor"
_SITE = "papi_local_site"
_ASSETS = Path(__file__).with_name("data_docs_assets")
_S3 = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"

_BOOTSTRAP = "bootstrap/4.3.1"
_TABLE = "https://unpkg.com/bootstrap-table@"
_FILTER = "extensions/filter-control/bootstrap-table-filter-control"
_DATEPICKER = "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0"

ASSETS: dict[str, str] = {
    # URL in GX 1.24's templates -> file under data_docs_assets/ (npm package@version/...)
    f"https://maxcdn.bootstrapcdn.com/{_BOOTSTRAP}/css/bootstrap.min.css": (
        "bootstrap@4.3.1/css/bootstrap.min.css"
    ),
    f"https://stackpath.bootstrapcdn.com/{_BOOTSTRAP}/js/bootstrap.min.js": (
        "bootstrap@4.3.1/js/bootstrap.min.js"
    ),
    f"{_TABLE}1.19.1/dist/bootstrap-table.min.css": (
        "bootstrap-table@1.19.1/bootstrap-table.min.css"
    ),
    f"{_TABLE}1.19.1/dist/bootstrap-table.min.js": "bootstrap-table@1.19.1/bootstrap-table.min.js",
    f"{_TABLE}1.19.1/dist/{_FILTER}.min.js": f"bootstrap-table@1.19.1/{_FILTER}.min.js",
    f"{_TABLE}1.19.0/dist/{_FILTER}.min.css": f"bootstrap-table@1.19.0/{_FILTER}.min.css",
    f"{_TABLE}1.19.0/dist/{_FILTER}.css": f"bootstrap-table@1.19.0/{_FILTER}.css",
    f"{_DATEPICKER}/css/bootstrap-datepicker.min.css": (
        "bootstrap-datepicker@1.9.0/css/bootstrap-datepicker.min.css"
    ),
    f"{_DATEPICKER}/js/bootstrap-datepicker.min.js": (
        "bootstrap-datepicker@1.9.0/js/bootstrap-datepicker.min.js"
    ),
    # The CDN serves the unminified file (880 kB); this is the package's minified build of it.
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": "bootstrap-dark@1.1.0/css/bootstrap-prefers-dark.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "fontawesome-free@6.6.0/css/all.min.css"
    ),
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery@3.7.1/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        "popper.js@1.12.9/umd/popper.min.js"
    ),
    # Version ranges on the CDN: the newest release in each range when vendored.
    "https://cdn.jsdelivr.net/npm/vega@5": "vega@5.33.1/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite@5.23.0/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed@6.29.0/vega-embed.min.js",
}

# src="..." / href="..." of a tag; the tag is kept to tell assets from links (<a href>).
_REFERENCE = re.compile(
    r"""<(?P<tag>[a-zA-Z]+)\b[^>]*?\b(?:src|href)\s*=\s*["'](?P<url>[^"']*)["']"""
)
_EXTERNAL = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
# Subresource integrity (and its CORS mode) cannot be checked on file:// pages: Chromium
# refuses the script. The files are ours now.
_SRI = re.compile(r"""\s+(?:integrity|crossorigin)\s*=\s*["'][^"']*["']""")
_TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.IGNORECASE)
_STATIC = re.compile(r"""(\b(?:src|href)\s*=\s*["'])(?:\./|(?:\.\./)+)?static/""")


class OfflineDocsError(RuntimeError):
    """The generated Data Docs still reference an external asset."""


def build(data_dir: Path, frames: Frames, period: calendar.Period) -> Path:
    """Build the Data Docs of one validation run into data_dir/data-docs/; its index.html.

    Validates `frames` (all suites of their plan, as `expectations.validate` does) for
    `period`, renders GX's site (index, one page per suite and per validation result) and
    makes it self-contained: every CDN asset is served from data-docs/static/vendor/.
    """
    site = Path(data_dir).resolve() / DOCS_DIR
    if site.exists():
        shutil.rmtree(site)
    _render(site, frames, period)
    index = site / "index.html"
    if not index.is_file():
        raise OfflineDocsError(f"GX built no index page in {site}")
    _vendor(site)
    return index


def _render(site: Path, frames: Frames, period: calendar.Period) -> None:
    parameters = {
        suites.PERIOD_STARTS: dt.datetime.combine(period.starts, dt.time()),
        suites.PERIOD_ENDS: dt.datetime.combine(period.ends, dt.time()),
    }
    # A context of our own: the runner's shared one must not keep these results.
    engine = runner._Engine()
    engine.context.add_data_docs_site(
        _SITE,
        {
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(site),
            },
            "site_index_builder": {
                "class_name": "DefaultSiteIndexBuilder",
                "show_cta_footer": False,
            },
        },
    )
    with runner._lock:  # GX's global state (loggers, renderers) as the runner uses it.
        for check in engine.checks_of(frames.plan):
            result = check.definition.run(
                batch_parameters={"dataframe": getattr(frames, check.frame)},
                expectation_parameters=parameters,
                result_format="SUMMARY",
            )
            runner._raise_for_errors([r for r in result.results if not r.success])
        engine.context.build_data_docs(site_names=[_SITE])


def _vendor(site: Path) -> None:
    vendor = site / VENDOR_DIR
    for local in sorted(set(ASSETS.values())):
        package = local.split("/", 1)[0]
        shutil.copytree(_ASSETS / package, vendor / package, dirs_exist_ok=True)
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        rewritten = _localised(text, page.parent, site)
        if rewritten != text:
            page.write_text(rewritten, encoding="utf-8")
    for sheet in (site / "static").rglob("*.css"):
        if vendor in sheet.parents:
            continue
        text = sheet.read_text(encoding="utf-8")
        if _S3 in text:
            # GX's own stylesheet: the dark-mode navbar logo, from its S3 bucket.
            images = os.path.relpath(site / "static" / "images", sheet.parent)
            text = text.replace(_S3 + "full_logo_dark.png", f"{images}/logo-long.png")
            sheet.write_text(text.replace(_S3, f"{images}/"), encoding="utf-8")
    left = external_assets(site)
    if left:
        raise OfflineDocsError(
            "Data Docs still load external assets (vendor them in "
            f"expectations/data_docs_assets/ and ASSETS): {sorted(set(left.values()))}"
        )


def _localised(text: str, folder: Path, site: Path) -> str:
    def local(url: str) -> str:
        return f"{VENDOR_DIR}/{ASSETS[url]}"  # made relative to the page below

    def retag(match: re.Match[str]) -> str:
        tag = match.group(0)
        found = [url for url in ASSETS if f'"{url}"' in tag or f"'{url}'" in tag]
        if not found:
            return tag
        tag = _SRI.sub("", tag)
        for url in found:
            tag = tag.replace(url, local(url))
        return tag

    text = _TAG.sub(retag, text).replace(_S3, "static/images/")
    # GX's own files (static/images, static/styles): its templates count the "../" to the
    # site's root from the suite name, one short on validation pages (the favicon points
    # outside static/); and the S3 navbar logo, which GX also ships in static/images/.
    static = os.path.relpath(site / "static", folder).replace(os.sep, "/")
    return _STATIC.sub(lambda m: f"{m.group(1)}{static}/", text)


def external_assets(site: Path) -> dict[Path, str]:
    """Every page and stylesheet of the site that loads something from the network.

    Links a reader follows (<a href>) are not assets; everything else with an absolute
    http(s) or protocol-relative src/href, and any url(http...) in a stylesheet, is.
    """
    found: dict[Path, str] = {}
    for page in site.rglob("*.html"):
        for match in _REFERENCE.finditer(page.read_text(encoding="utf-8")):
            if match.group("tag").lower() != "a" and _EXTERNAL.match(match.group("url")):
                found[page] = match.group("url")
    for sheet in site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", sheet.read_text(encoding="utf-8")):
            if _EXTERNAL.match(url):
                found[sheet] = url
    return found
