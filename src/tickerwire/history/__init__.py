"""The portal as it was at a past moment: prices, market status and headlines from what was
stored before it, and never anything learned after.

``moment.py`` reads the moment a reader asks for; ``prices.py`` finds each instrument's
last price at or before it in the stored bars; ``headlines.py`` lists the articles first
seen by then. The pages' ``?at=`` and the API's use these through ``actions.history``.
"""
