"""Support-ticket triage agent."""

from triage.agent import TriageAgent
from triage.history import CustomerHistory
from triage.models import Customer, Queue, RunReport, Ticket, TriageResult

__all__ = ["Customer", "CustomerHistory", "Queue", "RunReport", "Ticket", "TriageAgent",
           "TriageResult"]
__version__ = "0.4.2"
