"""The coach in the browser: a FastAPI face over the Python API (``create_app``)."""
