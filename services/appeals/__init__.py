"""Appeals service: complaints through the expert committees."""
