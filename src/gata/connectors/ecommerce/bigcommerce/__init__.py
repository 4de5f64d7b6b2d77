"""BigCommerce: v2 orders and v3 catalog products (X-Auth-Token).

Everything about the platform lives in this folder: `render.py` (the simulated business as the API returns
it), `live.py` (the client of the real API) and `simulator.py` (the API served locally from render.py)."""
