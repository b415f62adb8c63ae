"""The broker package's own tests (kafka_broker): they import nothing of the harness.

``unit``: no JVM (fake java and mvn, plain processes); ``kafka``: real broker JVMs.
"""
