"""The operators' HTTP API: a FastAPI app over the services' queries and commands.

`create_app(container)` builds it; routers are thin, errors map through one table in `errors`.
"""
