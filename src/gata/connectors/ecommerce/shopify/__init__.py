"""Shopify: the GraphQL Admin API (live) and its orders and products (render, in the Admin API's REST shapes).

Everything about the platform lives in this folder: `render.py` (the simulated business as the API returns
it), `live.py` (the client of the real API) and `simulator.py` (the API served locally from render.py)."""
