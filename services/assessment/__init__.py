"""Assessment service: property register, valuations, tax bases, the annual levy."""
