"""`lienthong`: entry point grouping the sub-commands.

Sub-commands are imported when used: `lienthong validate` should not pay for pyHanko, SQLAlchemy
and reportlab (two seconds of imports) that only signing, trials and documents need.
"""

from __future__ import annotations

import importlib
import logging

import click

from harness import __version__

COMMANDS = {
    "validate": "harness.cli.validate_cmd:validate_command",
    "sim": "harness.cli.sim_cmd:sim_group",
    "pki": "harness.cli.pki_cmd:pki_group",
    "sign": "harness.cli.sign_cmd:sign_command",
    "make-doc": "harness.cli.make_doc_cmd:make_doc_command",
    "load": "harness.cli.load_cmd:load_command",
    "trial": "harness.cli.trial_cmd:trial_group",
    "demo": "harness.cli.trial_run_cmd:demo_command",
    "console": "harness.cli.console_cmd:console_command",
}
"""Command name -> "module:attribute" of its click command."""


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def __init__(self, *args: object, lazy: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, attribute = self.lazy[cmd_name].split(":")
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lienthong")
def cli() -> None:
    """lienthong: bộ kiểm thử tuân thủ liên thông văn bản điện tử (edXML, QCVN 102:2016/BTTTT)."""


def main() -> None:
    # pyHanko logs every failed certificate check with a traceback; our findings already say it.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    cli()
