"""The semantic layer as MCP tools for LLM agents, scoped to the tenant of one API key."""
