"""data-cleaner: an agent that cleans tabular text data, judges its own work and exports it safely."""

from cleaner.agent import CleaningConfig, CleaningResult, DataCleaningAgent
from cleaner.validate import Rule

__all__ = ["CleaningConfig", "CleaningResult", "DataCleaningAgent", "Rule"]
__version__ = "0.3.1"
