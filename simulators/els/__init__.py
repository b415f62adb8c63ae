"""The Essay Lifecycle Service (ELS) simulator.

- ``lifecycle``: the per-essay state machine (statuses, phases, allowed transitions);
- ``records``: what ELS remembers (batches, essay slots, pending content);
- ``provisioning``: decisions before a pipeline (slots, content, student matching);
- ``phases``: decisions inside a pipeline (commands, results, one outcome per phase);
- ``simulator``: ``ELSSimulator`` on the bus, with its routing table.
"""

from simulators.els.lifecycle import EssayStatus
from simulators.els.simulator import ELSBehaviour, ELSSimulator

__all__ = ["ELSBehaviour", "ELSSimulator", "EssayStatus"]
