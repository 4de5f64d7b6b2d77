"""Google Analytics 4: its BigQuery export (daily and intraday events tables), read through BigQuery's REST API.

Everything about the platform lives in this folder: `render.py` (the simulated business as the API returns
it), `live.py` (the client of the real API) and `simulator.py` (the API served locally from render.py)."""
