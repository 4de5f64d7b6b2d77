"""Amazon Ads: Sponsored Products and reporting v3.

Everything about the platform lives in this folder: `render.py` (the simulated
business as the API returns it), and where it exists `live.py` (the client of the real API) and `simulator.py`
(the API served locally from render.py, for tests and demos)."""
