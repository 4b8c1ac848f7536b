"""Stage 5 of the news flow: the instruments and entities a text names. ``gazetteer``
builds the name tables from the registry and reference data, ``tagger`` finds them in a
text, ``topics`` turns an entity into its /topic slug."""
