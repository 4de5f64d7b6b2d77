"""The star schema as both sides know it: the six tables' contracts, and the snapshot files they are served
from. The pipeline writes by these definitions and the serving side reads by them; neither owns them."""
