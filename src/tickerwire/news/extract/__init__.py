"""Stage 3 of the news flow: an article page's HTML -> ``Article``. ``article`` runs the
body extractor and puts the pieces together; the other modules each recover one thing the
body extractor loses (figures, metadata, bylines, video) from the page itself."""
