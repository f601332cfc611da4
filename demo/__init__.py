"""The demo county (虞城县 411425) that `make run` serves and the tests seed: an app on top of
all others, the only one that may import every app, so the production apps carry no demo code.

`manage.py seed_demo` builds the county, its people, households and residents (`demo.grids`),
then runs each part named in settings.DEMO_EXTENSIONS in order — `demo.incidents`,
`demo.reviews`, `demo.insurance`, `demo.credit`, `demo.oversight` — each a module with
`seed_demo(county=, seed=, scale=, log=)` and `reset_demo()` (`--reset` calls them in reverse).
A new app adds its part as a module here (`demo/<app>.py`) and names it in DEMO_EXTENSIONS.
"""
