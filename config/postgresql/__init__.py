"""MinNow's PostgreSQL database backend (ENGINE "config.postgresql"): Django's, with every wait bounded."""
