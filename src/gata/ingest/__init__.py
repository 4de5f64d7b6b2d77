"""Landing: pulled source records into the warehouse with dlt, one dataset per tenant and source."""
