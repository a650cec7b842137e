"""Alembic schema migrations of newsmon's database (run by ``newsmon db upgrade``; see ``models.migrate``)."""
