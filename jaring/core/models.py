"""The one table of the base: versions of derived data, for caches that must never be stale."""

from __future__ import annotations

from django.db import models


class DataVersion(models.Model):
    """A counter bumped inside the transaction of every write that changes a kind of derived
    data (a stage's tally, monitoring's figures): a cache keyed by the versions is never
    served after a write, and needs no invalidation (``core.tallies.data_versions``)."""

    name = models.CharField(max_length=60, primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
