"""The platform's HTTP service: semantic layer now; observability, questions and the web app join it."""
