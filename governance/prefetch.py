"""Related rows a process has just written, given to their instance as `prefetch_related` would
have read them: an answer built from the rows of its own request needs no read back."""


def fill(instance, name: str, rows) -> None:
    """`instance.<name>.all()` gives `rows` from now on, without a query (`name`: a reverse foreign
    key or many-to-many accessor, the name `prefetch_related` takes)."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache, queryset._prefetch_done = list(rows), True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset
