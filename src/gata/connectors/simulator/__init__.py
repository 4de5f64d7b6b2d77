"""API simulators: the simulated business served through each platform's real paths, parameters, auth checks
and response shapes, with pagination, async report jobs, restatements (a clock) and scripted faults.

`gata simulate-apis` serves it; tests start it on a loopback port. Records come from the platforms' renderers
(gata.connectors.paid_ads.<platform>.render), so a live pull from the simulator lands what simulated mode lands.
"""
