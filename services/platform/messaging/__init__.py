"""Events in and out of a service: outbox relay and its lock, inbox, consumer loop, retention."""
