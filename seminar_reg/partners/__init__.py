"""A seminar's partners and what they hear about its registrations."""
