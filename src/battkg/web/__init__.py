"""The HTTP adapter: FastAPI routers over the core KnowledgeGraph (no domain logic here)."""
