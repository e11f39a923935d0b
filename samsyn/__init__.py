"""Samsyn: early, coordinated support for children and young people (tidiga samordnade insatser)."""
