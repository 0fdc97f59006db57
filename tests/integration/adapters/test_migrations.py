"""The migrations build exactly the schema `tables.py` describes, and HEAD names the newest."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from laddnet.adapters.db.engine import alembic_config, current_revision, is_current, migrate_sync
from laddnet.adapters.db.migrations import HEAD
from laddnet.adapters.db.tables import metadata
from laddnet.bootstrap import Container


def test_head_constant_names_the_newest_script() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


async def test_migrated_schema_matches_the_tables(container: Container) -> None:
    def differences() -> list[object]:
        with container.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            return list(compare_metadata(context, metadata))

    assert await asyncio.to_thread(differences) == []


async def test_migrate_again_changes_nothing(container: Container) -> None:
    assert await asyncio.to_thread(is_current, container.engine)
    await asyncio.to_thread(migrate_sync, container.engine)
    assert await asyncio.to_thread(current_revision, container.engine) == HEAD
