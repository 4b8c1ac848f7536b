"""The web side: pages, their JSON twins, the API and the live stream."""
