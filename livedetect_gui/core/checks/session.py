"""A chosen connection opened for checking: its client, the account's pacer and the reuse rule.

The CLI, the desk and the settings' connection test all open their client here, so none can
forget the pacer (one per account, shared by every worker and batch of the process) or mark
sandbox results differently: whether a run is simulated comes from the ``Connection`` alone
(its mode), for the client's results and for which earlier judgements may be reused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from livedetect_gui.core import defaults
from livedetect_gui.core.checks.planning import CheckOptions
from livedetect_gui.core.checks.reuse import JudgedStore, Reuse
from livedetect_gui.core.service.connection import Connection

if TYPE_CHECKING:  # the client pulls in requests: only the commands that send import it
    from livedetect_gui.core.imaging.prechecks import PrecheckPolicy
    from livedetect_gui.core.service.client import ClientConfig, LiveDetectClient


@dataclass(frozen=True)
class Session:
    connection: Connection
    client: LiveDetectClient

    @property
    def simulated(self) -> bool:
        return self.connection.simulated

    def reuse(self, store: JudgedStore | None, window_days: float = defaults.REUSE_WINDOW_DAYS
              ) -> Reuse | None:
        """The duplicate rule for this connection; None (every photo is sent) without a
        history or with a window of 0 days."""
        if store is None or window_days <= 0:
            return None
        return Reuse(store, window_days, simulated=self.simulated, api=self.client.api.value)

    def options(self, store: JudgedStore | None,
                window_days: float = defaults.REUSE_WINDOW_DAYS, *,
                prechecks: PrecheckPolicy | None = None, force: bool = False) -> CheckOptions:
        """The rules of a run on this connection (``batch.Batch``, ``planning.plan_batch``)."""
        return CheckOptions(reuse=self.reuse(store, window_days), prechecks=prechecks,
                            force=force, simulated=self.simulated)

    def close(self) -> None:
        self.client.close()


def open_session(connection: Connection, config: ClientConfig, *,
                 rate: float | None = None) -> Session:
    """The client for ``connection`` (its endpoint and mode override ``config``'s), paced by
    its account's pacer: ``rate`` calls per second when given, else the profile's, else
    learned from the service's throttling. Raises ``BadSetting`` for settings the client
    refuses (``BadEndpoint`` for the address)."""
    from livedetect_gui.core.service.client import LiveDetectClient
    from livedetect_gui.core.service.pacing import pacer_for

    credentials = connection.credentials
    client = LiveDetectClient(credentials, connection.configure(config))
    client.pacer = pacer_for(client.url, credentials.appid or credentials.secret_id,
                             rate or credentials.calls_per_second)
    return Session(connection, client)
