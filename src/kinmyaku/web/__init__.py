"""The web app: FastAPI routes (HTML pages and a JSON API) over the same services as the CLI."""
