"""The errors the use cases raise, for the front ends to catch: each message is phrased
for the user and never quotes patient text."""

from core.store.connection import DatabaseError
from core.store.errors import (
    CorruptDatabaseError,
    NewerDatabaseError,
    NotFoundError,
    StoreError,
    StoreWriteError,
    WrongKeyError,
)

__all__ = [
    "CorruptDatabaseError",
    "DatabaseError",
    "NewerDatabaseError",
    "NotFoundError",
    "StoreError",
    "StoreWriteError",
    "WrongKeyError",
]
