"""The static HTML report: one self-contained file (inline CSS, no scripts or external resources)
that can be mailed or published as is; Jinja2 autoescapes everything the trial recorded."""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from harness.paths import REPO_ROOT
from harness.reports.tables import FULL_MATRIX_MAX
from harness.reports.text import APPENDIX_TITLE, MARK_LEGEND, MOTTO, SLOGAN, SUMMARY_TITLE
from harness.reports.view import SummaryView
from harness.trial.catalogue import RUN_TESTS

TEMPLATES = REPO_ROOT / "reports" / "templates"
TEMPLATE = "bao-cao.html.j2"


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def report_html(view: SummaryView) -> str:
    template = _environment().get_template(TEMPLATE)
    return template.render(
        view=view,
        tests=RUN_TESTS,
        motto=MOTTO,
        slogan=SLOGAN,
        title=SUMMARY_TITLE,
        appendix_title=APPENDIX_TITLE,
        legend=MARK_LEGEND,
        full_matrix_max=FULL_MATRIX_MAX,
    )
