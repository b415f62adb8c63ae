"""``python -m kafka_broker start|stop|status``: the broker package's commands on their own."""

from __future__ import annotations

import sys

from kafka_broker.cli import main

sys.exit(main())
