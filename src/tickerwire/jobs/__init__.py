"""Background work as task functions (feed refreshes, article pages, quote polls): run in
process on SQLite, the embedded default, and as jobs of a job engine on PostgreSQL, where
any number of workers share them. See tasks.py for the work, local.py and engine.py for
the two ways it runs, runner.py for which one a process takes."""
