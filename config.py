"""The settings, for tools run from the repository (``config.Config``).

They live in ``exchange_app/settings.py`` so that an installed package carries them; every
setting is read from the environment (see the README's configuration table).
"""

from exchange_app.settings import Config, TestConfig

__all__ = ["Config", "TestConfig"]
