"""A small tool-using planner agent.

The agent turns a goal ("look up the calendar for 2024-05-02 then email
bob@example.com the result") into a plan of tool calls, orders it by its
dependencies, and executes it against simulated, in-process tools while a
safety kernel (:mod:`planner.policy`) checks every action and every cent spent.
"""

__version__ = "0.4.0"
