"""The demo user's login, shown on the login screen of the embedded demo.

Apart from service/demo.py (the seed data, which uses it) so that the first screen reads these
two strings without building the demo's programs and officials (benchmarks/startup.py).
"""

DEMO_USER_ID = "jsmith6544"
DEMO_PASSWORD = "SevisDemo#2026"
