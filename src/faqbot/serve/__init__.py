"""Serving: the handlers every surface shares, the Gradio app, the JSON API and the HTTP server."""
