"""Fast writes of synthetic data, for the seeders of the `demo` app (`seed_scale` above all):
COPY on PostgreSQL, tables loaded without their plain indexes and foreign keys, and raw deletes.

Nothing here knows an app; nothing here is used by the application at run time. These writes skip
signals and `save()`, so they are for fictional data only.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

SCALE_REASON = "scale data"
SCALE_BATCH = 2000


@contextmanager
def bulk_load(models_: list[type[models.Model]]) -> Iterator[None]:
    """On PostgreSQL, load the models' tables (and their history tables) the way PostgreSQL's
    manual advises for populating a database: without their plain indexes and foreign keys,
    which are built again after the block from their own definitions.

    Building an index once over a million rows is several times faster than updating it a
    million times, and a foreign key added back is checked by one join, where each row written or
    deleted would queue a check of its own (about 30 s for the scale campaign). The indexes of
    primary keys and unique constraints stay. All of it runs inside the caller's transaction, so
    nobody ever sees a table without them, and a failure leaves everything as it was. Elsewhere,
    does nothing.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = []
    for model in models_:
        tables.append(model._meta.db_table)
        manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
        if manager_name:
            tables.append(getattr(model, manager_name).model._meta.db_table)
    with connection.cursor() as cursor:
        # a table with checks pending cannot be altered: run those now (they would at commit)
        _constraints_check(cursor)
        # foreign keys from these tables, and from other tables to them
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.contype = 'f' "
            "AND (c.conrelid::regclass::text = ANY(%s) OR c.confrelid::regclass::text = ANY(%s))",
            [tables, tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
            "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        _constraints_check(cursor)
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )


def _constraints_check(cursor: Any) -> None:
    """Run the deferred foreign-key checks pending in the transaction now (they would run at
    commit otherwise), and leave the constraints deferred as before."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def rows_insert(
    model: type[models.Model],
    columns: list[str],
    rows: list[tuple[Any, ...]],
    *,
    by: AbstractBaseUser | None,
    reason: str = SCALE_REASON,
) -> list[int]:
    """Insert `rows` (values of `columns`, attnames) and their "+" history rows; return the new
    primary keys in the order of `rows`.

    Columns not given take the model's defaults (auto_now fields: now). On PostgreSQL the ids are
    drawn from the table's sequence and both tables are filled with COPY, tens of times faster
    than `bulk_create_with_history` for the million rows of the scale campaign; elsewhere (SQLite
    in tests) it is `bulk_create_with_history`. No signals, no `save()`: synthetic data only.
    """
    if not rows:
        return []
    blank = model()
    fixed = {
        f.attname: f.pre_save(blank, True)
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in columns
    }
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(columns, row, strict=True)), **fixed) for row in rows]
        created = bulk_create_with_history(
            objs, model, batch_size=SCALE_BATCH, default_user=by, default_change_reason=reason
        )
        return [o.pk for o in created]
    table = model._meta.db_table
    all_columns = ["id", *columns, *fixed]
    fixed_values = tuple(fixed.values())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        ids = [r[0] for r in cursor.fetchall()]
        full = [(pk, *row, *fixed_values) for pk, row in zip(ids, rows, strict=True)]
        _copy(cursor, table, all_columns, full)
        manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
        if manager_name:
            history: Any = getattr(model, manager_name).model
            extra = {
                "history_date": timezone.now(),
                "history_change_reason": reason,
                "history_type": "+",
                "history_user_id": by.pk if by else None,
            }
            names = [
                f.attname
                for f in history._meta.concrete_fields
                if f.attname in all_columns or f.attname in extra
            ]
            position = {name: i for i, name in enumerate(all_columns)}
            picks = [position.get(name) for name in names]
            constants = [extra.get(name) for name in names]
            history_rows = [
                tuple(row[i] if i is not None else c for i, c in zip(picks, constants, strict=True))
                for row in full
            ]
            _copy(cursor, history._meta.db_table, names, history_rows)
    return ids


def _copy(cursor: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def rows_purge(model: type[models.Model], qs: models.QuerySet[Any], *, depth: int = 0) -> int:
    """Delete the rows of `qs`, every row that points at them, and the history of all of them.

    Raw SQL deletes (subqueries, no rows loaded, no signals), children first. Meant only for
    synthetic data such as the scale district: nothing is logged and no history row says the
    objects went. Returns the number of rows deleted. Must run inside a transaction.
    """
    if depth > 8:
        raise RuntimeError(f"relation chain too deep under {model.__name__}")
    # Django's relation metadata is only loosely typed; these are plain Any
    raw: Any = qs
    deleted: int = 0
    m2m_fields: list[Any] = list(model._meta.many_to_many)
    for field in m2m_fields:
        through = field.remote_field.through._base_manager
        deleted += through.filter(**{f"{field.m2m_field_name()}__in": qs})._raw_delete(qs.db)
    relations: list[Any] = list(model._meta.related_objects)
    for rel in relations:
        if rel.many_to_many:
            through = rel.through._base_manager
            name = rel.field.m2m_reverse_field_name()
            deleted += through.filter(**{f"{name}__in": qs})._raw_delete(qs.db)
            continue
        children = rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": qs})
        deleted += rows_purge(rel.related_model, children, depth=depth + 1)
    manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
    if manager_name:
        history: Any = getattr(model, manager_name).model
        pk = model._meta.pk.attname
        rows = history._base_manager.filter(**{f"{pk}__in": qs.values("pk")})
        deleted += rows._raw_delete(qs.db)
    deleted += raw._raw_delete(qs.db)
    return deleted
