"""The LLM layer: one chat client interface over the providers, with retries, per-stage model
routing, output formats and their repair, and cost tracking."""
