"""Writers: a document → bytes in an output format. Heavy writers import lazily."""

from __future__ import annotations
