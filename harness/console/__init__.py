"""The trial console: the web pages an ICT department, its clerks and the vendors run a trial from.

The top floor with the CLI: it reads and writes the campaign store (harness.trial) and renders with Jinja2;
nothing below imports it. The app is `harness.console.app.create_app(ConsoleConfig(db=...))`.
"""
