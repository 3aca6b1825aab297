"""Related objects read in the same query as the object they belong to.

`prefetch_related` costs a query per relation. For a page that shows one object
with many small lists (a researcher profile: topics, languages, publications, …)
those queries are most of what the page costs, so each list is instead selected
as one JSON array in a subquery of the object's own query (`json_agg` on
PostgreSQL, `json_group_array` on SQLite), and turned back into model instances
stored where `prefetch_related` would have stored them. Templates and code that
call `page.topics.all()` then read them without a query, exactly as after a
prefetch (docs/performance.md, "A profile's SQL queries").

Each row carries its rank under the queryset's ordering (a window function), so
the order is the database's (its collation included) whatever order the
aggregate happens to collect the rows in.

Building and resolving eight such subqueries costs Django several milliseconds a
request, more than the queries they save on a local database; so each `Fold` is
compiled once per database connection alias into SQL that refers to the outer
table by name, and later queries only paste that SQL in (`FoldedSQL`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from django.db import NotSupportedError
from django.db.models import Expression, F, Model, QuerySet, Subquery, TextField, Window
from django.db.models.functions import JSONObject, RowNumber
from django.db.models.query import ModelIterable
from django.db.models.sql import Query

#: The databases whose JSON aggregate `Folded` knows how to spell.
FOLDING_VENDORS = frozenset({"postgresql", "sqlite"})
RANK = "_rank"


def _prefetched(instance: Model, name: str, objects: list[Model]) -> None:
    """Store `objects` as `prefetch_related(name)` would have, for `instance.<name>.all()`."""
    relation = instance._meta.get_field(name)
    if relation.one_to_many:  # each child knows its parent, as after a prefetch
        for obj in objects:
            relation.field.set_cached_value(obj, instance)
    queryset = getattr(instance, name).all()  # lazy: no query
    queryset._result_cache = objects
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


@dataclass(frozen=True, eq=False)
class Fold:
    """One relation of the objects of a queryset, read with them.

    `rows` is the related rows of one object, filtered on an `OuterRef` of the
    outer query; `related` names forward foreign keys of those rows to read along
    (a `select_related`); `store(instance, objects)` puts the objects in place (by
    default where `prefetch_related(name)` puts them). Make each once (per process)
    and reuse it: it keeps its compiled SQL.
    """

    name: str
    rows: QuerySet
    related: Sequence[str] = ()
    store: Callable[[Model, list[Model]], None] | None = None
    annotation: str = field(init=False)
    _compiled: dict = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "annotation", f"_folded_{self.name}")

    def _columns(self) -> dict[str, F | Window]:
        model = self.rows.model
        columns: dict[str, F | Window] = {
            f.attname: F(f.attname) for f in model._meta.concrete_fields
        }
        for name in self.related:
            target = model._meta.get_field(name).related_model
            for f in target._meta.concrete_fields:
                columns[f"{name}__{f.attname}"] = F(f"{name}__{f.attname}")
        ordering = list(self.rows.query.order_by or model._meta.ordering or ()) + ["pk"]
        columns[RANK] = Window(RowNumber(), order_by=ordering)
        return columns

    def expression(self) -> Folded:
        return Folded(self.rows.order_by().values(item=JSONObject(**self._columns())), fold=self)

    def sql(self, model: type[Model], using: str) -> FoldedSQL:
        """The subquery for an outer query on `model`'s table, compiled once per alias."""
        key = (model, using)
        if key not in self._compiled:
            outer = Query(model)
            expression = self.expression().resolve_expression(outer, allow_joins=True)
            sql, params = outer.get_compiler(using).compile(expression)
            self._compiled[key] = (sql, tuple(params))
        sql, params = self._compiled[key]
        return FoldedSQL(sql, params, self, model._meta.db_table)

    def put(self, instance: Model, objects: list[Model]) -> None:
        if self.store is not None:
            self.store(instance, objects)
        else:
            _prefetched(instance, self.name, objects)

    def objects(self, text: str | None, db: str) -> list[Model]:
        """The model instances (from database `db`) in the JSON array the subquery selected."""
        items = sorted(json.loads(text or "[]"), key=lambda item: item[RANK])
        model = self.rows.model
        objects = []
        for item in items:
            instance = _instance(model, item, db)
            for name in self.related:
                relation = model._meta.get_field(name)
                related = _instance(relation.related_model, item, db, prefix=f"{name}__")
                relation.set_cached_value(instance, related)
            objects.append(instance)
        return objects


def _instance(model: type[Model], item: dict, db: str, prefix: str = "") -> Model:
    fields = model._meta.concrete_fields
    values = []
    for f in fields:
        value = item[prefix + f.attname]
        values.append(None if value is None else f.to_python(value))
    return model.from_db(db, [f.attname for f in fields], values)


class Folded(Subquery):
    """The rows of a `values(item=JSONObject(...))` subquery as one JSON array (text)."""

    output_field = TextField()

    def __init__(self, queryset: QuerySet, fold: Fold) -> None:
        super().__init__(queryset)
        self.fold = fold

    def as_sql(self, compiler, connection, template=None, **extra_context):
        raise NotSupportedError(f"Folded relations are not spelled for {connection.vendor}.")

    def as_sqlite(self, compiler, connection, **extra_context):
        template = '(SELECT json_group_array(json(_folded."item")) FROM (%(subquery)s) _folded)'
        return super().as_sql(compiler, connection, template=template, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        template = (
            "(SELECT COALESCE(json_agg(_folded.\"item\")::text, '[]') FROM (%(subquery)s) _folded)"
        )
        return super().as_sql(compiler, connection, template=template, **extra_context)


class FoldedSQL(Expression):
    """A compiled `Folded` subquery (`Fold.sql`), pasted into a query as it is.

    It names the outer table, so the query it is in must keep that table's own name
    as its alias: it must be the outermost query, not a subquery of another.
    """

    output_field = TextField()

    def __init__(self, sql: str, params: tuple, fold: Fold, table: str) -> None:
        super().__init__()
        self.sql, self.params, self.fold, self.table = sql, params, fold, table

    def as_sql(self, compiler, connection):
        if compiler.query.base_table != self.table:
            raise NotSupportedError("A query with folded relations cannot be a subquery.")
        return self.sql, self.params

    def get_group_by_cols(self):
        return [self]


class FoldedIterable(ModelIterable):
    """Model instances with their folded relations put in place (`fold`)."""

    def __iter__(self) -> Iterator[Model]:
        annotations = self.queryset.query.annotations
        folds = [e.fold for e in annotations.values() if isinstance(e, FoldedSQL)]
        for instance in super().__iter__():
            for one in folds:
                text = instance.__dict__.pop(one.annotation)
                one.put(instance, one.objects(text, instance._state.db))
            yield instance


def fold(queryset: QuerySet, *folds: Fold) -> QuerySet:
    """`queryset` with each relation of `folds` read in the same query as its objects.

    Only model instances (not `values()`) come out with the relations in place; a
    relation changed afterwards is read again, as after a prefetch. The queryset
    cannot then be used as a subquery (`FoldedSQL`).
    """
    queryset = queryset.annotate(
        **{one.annotation: one.sql(queryset.model, queryset.db) for one in folds}
    )
    queryset._iterable_class = FoldedIterable
    return queryset
