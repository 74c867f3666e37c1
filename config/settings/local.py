"""Developer machine (`make run`): debug on, embedded services unless the environment says so."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
