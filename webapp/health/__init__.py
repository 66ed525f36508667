"""Health checks for load balancers and orchestrators: `/healthz` (the parts Grantpath needs are
reachable) and `/readyz` (and its database schema is the one this code expects)."""
