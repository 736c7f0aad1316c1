"""Tests that close gaps found by mutation testing of the core (solvers): see docs/testing.md."""
