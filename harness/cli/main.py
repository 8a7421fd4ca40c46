"""`lienthong`: entry point grouping the sub-commands."""

from __future__ import annotations

import logging

import click

from harness import __version__
from harness.cli.load_cmd import load_command
from harness.cli.make_doc_cmd import make_doc_command
from harness.cli.pki_cmd import pki_group
from harness.cli.sign_cmd import sign_command
from harness.cli.sim_cmd import sim_group
from harness.cli.trial_cmd import trial_group
from harness.cli.trial_run_cmd import demo_command, run_command
from harness.cli.validate_cmd import validate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lienthong")
def cli() -> None:
    """lienthong: bộ kiểm thử tuân thủ liên thông văn bản điện tử (edXML, QCVN 102:2016/BTTTT)."""


cli.add_command(validate_command)
cli.add_command(sim_group)
cli.add_command(pki_group)
cli.add_command(sign_command)
cli.add_command(make_doc_command)
cli.add_command(load_command)
cli.add_command(trial_group)
cli.add_command(demo_command)
trial_group.add_command(run_command)


def main() -> None:
    # pyHanko logs every failed certificate check with a traceback; our findings already say it.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    cli()
