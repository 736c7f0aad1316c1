"""Tests that close gaps found by mutation testing of the core (data): see docs/testing.md."""
