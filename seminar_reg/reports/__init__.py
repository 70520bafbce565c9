"""Reports of who registered and who attended, per country, institution, session and group."""
