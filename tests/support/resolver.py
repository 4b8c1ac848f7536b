"""DNS without DNS, for tests of anything that takes a fetcher ``Resolver``.

Private answers, IPv6 embeddings and rebinding (one answer, then another) are scripted per
name, so the address guard can be tested without real DNS::

    resolver = ScriptedResolver()
    resolver.answer("rebind.test", ["127.0.0.1"], ["127.0.0.2"])  # first call, then every later one
    fetcher = Fetcher(settings, resolver=resolver)
"""

from __future__ import annotations


class ScriptedResolver:
    """A name answers from its script, one answer list per call, the last one repeating;
    unknown names fail with OSError as the system resolver would. ``calls`` lists the
    names asked, in order."""

    def __init__(self) -> None:
        self.script: dict[str, list[list[str]]] = {}
        self.calls: list[str] = []

    def answer(self, host: str, *answers: list[str]) -> None:
        self.script[host] = list(answers)

    async def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        answers = self.script.get(host)
        if not answers:
            raise OSError(f"Name or service not known: {host}")
        return answers.pop(0) if len(answers) > 1 else answers[0]
