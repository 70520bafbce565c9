"""Registering, capacity and the waiting list, the private manage link, imports."""
