"""Natural-language questions answered through the semantic layer.

A question is read into a structured `SemanticQuery` (by the built-in rule-based interpreter, or by an
optional OpenAI-compatible LLM whose output is validated like any other query), then run by the same
`SemanticService` as `POST /query`. Nothing here writes SQL: every answer is a validated structured query.
"""
