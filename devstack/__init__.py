"""Development tools apart from the product: the local stack, the demo, the scenario the demo and the
end-to-end tests share, and the synthetic register they feed the services."""
