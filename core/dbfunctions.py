"""Database functions that PostgreSQL and SQLite (development) spell differently."""

from django.db.models import Func, IntegerField


class JSONArrayLength(Func):
    """The number of elements of a JSON array column (PostgreSQL `jsonb_array_length`, SQLite `json_array_length`),
    so that a list of records with large arrays can show their sizes without loading them."""

    function = "jsonb_array_length"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="json_array_length", **extra_context)
