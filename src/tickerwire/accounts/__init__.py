"""Readers' accounts: what a username and a password may be (``rules``), how passwords are
hashed (``passwords``, argon2 through pwdlib), session ids and form tokens (``tokens``) and
when sign-in is refused for too many failures (``throttle``). The actions that use them
(sign up, sign in, ...) are in :mod:`tickerwire.actions`; the rows in
:mod:`tickerwire.store.accounts`."""
