"""The HTTP API (`shotgraph api`): the queue for programs, and the films' download links."""
