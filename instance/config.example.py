# Copy to instance/config.py and adjust; environment variables override these values.
# Never commit instance/config.py: it holds secrets.

# SECRET_KEY = "..."  # python -c 'import secrets; print(secrets.token_urlsafe(48))'
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://buitenbinnen@db.internal/buitenbinnen"
# RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"
# LOGIN_RATE_LIMIT = "5 per minute"          # failed logins per account
# LOGIN_RATE_LIMIT_PER_ADDRESS = "30 per minute"  # failed logins per IP address
# SESSION_HOURS = 12
# TRUSTED_PROXIES = 1  # number of reverse proxies in front of gunicorn that set X-Forwarded-*
