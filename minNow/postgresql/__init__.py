"""MinNow's PostgreSQL database backend (ENGINE "minNow.postgresql"): Django's, with every wait bounded."""
