"""The SPARQL 1.1 endpoint's core: protocol parsing, content negotiation, results, execution.

Nothing here imports FastAPI; src/battkg/web/sparql.py is the thin HTTP adapter.
"""
