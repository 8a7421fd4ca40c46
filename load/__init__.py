"""Load tests of an axis with Locust, and the loss accounting that judges them (`lienthong load`).

Only `load/locustfile.py` imports Locust (and with it gevent's monkey patching); it runs in Locust's
own processes, started by `harness.cli.load_cmd`. Every other module here is plain Python that the
CLI and the tests import: the scenario mix, the population of agencies, the payloads, the records the
Locust processes write, the loss accounting and the thresholds.
"""
