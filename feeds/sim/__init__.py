"""The built-in simulated floor: a seeded discrete-event model that speaks canonical events."""

from .config import START_T, SimConfig
from .simulator import Simulation

__all__ = ["START_T", "SimConfig", "Simulation"]
