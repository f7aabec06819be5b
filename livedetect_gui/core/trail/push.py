"""``livedetect history push``: a desk's local trail into a centre's shared store, once."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from livedetect_gui.core.trail.chain import ChainState, Kind, Record
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.postgres_store import PostgresStore
from livedetect_gui.core.trail.store import Query


class PushRefused(Exception):
    """The local trail does not verify: pushing it would pass an altered trail off as sound."""

    def __init__(self, state: ChainState) -> None:
        super().__init__(state.message())
        self.state = state


@dataclasses.dataclass(frozen=True)
class Pushed:
    sent: int  # newly stored in the shared history
    already: int  # there before (an earlier push): skipped


def push(source: History, target: PostgresStore, batch: int = 500,
         progress: Callable[[int], None] | None = None) -> Pushed:
    """``livedetect history push``: a desk's local trail into a shared store, once.

    The local chain is verified first (an altered trail is refused, not laundered into the
    centre's). Records go in their local order and join the centre's chain; their ids make a
    second push, or one interrupted and run again, store nothing twice. Retention cuts are
    local facts (they name local positions) and stay behind.
    """
    state = source.verify()
    if not state.intact:
        raise PushRefused(state)
    sent = seen = 0
    chunk: list[Record] = []

    def send() -> None:
        nonlocal sent, seen
        sent += len(target.append_now(chunk))
        seen += len(chunk)
        chunk.clear()
        if progress is not None:
            progress(seen)

    for record in source.stream(Query(sort="seq", descending=False)):
        if record.kind == Kind.CUT:
            continue
        chunk.append(record)
        if len(chunk) >= batch:
            send()
    if chunk:
        send()
    return Pushed(sent, seen - sent)
