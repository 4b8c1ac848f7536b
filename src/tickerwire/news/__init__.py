"""The news flow: feed -> fetch -> parse -> extract -> sanitize -> tag -> dedupe -> store."""
