"""WooCommerce: the REST API v3 of a WordPress site (consumer key and secret).

Everything about the platform lives in this folder: `render.py` (the simulated business as the API returns
it), `live.py` (the client of the real API) and `simulator.py` (the API served locally from render.py)."""
