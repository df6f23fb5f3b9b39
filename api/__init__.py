"""HTTP API, web page and command line."""
