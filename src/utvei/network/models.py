"""Models of the network map: nodes, ties, contact permissions and snapshots."""
