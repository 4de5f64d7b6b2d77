"""Live sources: the machinery every platform's client shares (credentials, HTTP with retries, errors) and
the pull that feeds live sources into the same staging and landing as simulated ones. The clients
themselves live beside their renderers, in `gata.connectors.paid_ads.<platform>.live`."""
