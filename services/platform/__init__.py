"""What the three services share: settings, storage, events, gRPC bootstrap, auth, money, time."""
