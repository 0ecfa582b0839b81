#!/bin/sh
PGPASSWORD=Rk4vT8qLm2Xw psql -h db.internal -U app orders
PGPASSWORD="$DB_PASSWORD" pg_dump orders
docker login -u ci -p Wz7qLm3vTn8K registry.acme-corp.net
echo "Hq3vLz8mTw2K" | docker login -u ci --password-stdin ghcr.io
echo "$CR_PAT" | docker login -u ci --password-stdin ghcr.io
redis-cli -h cache.internal -a Nv6tRq2zLk8W ping
htpasswd -Bbc /etc/nginx/.htpasswd admin Pz5wLq8vTm3K
sqlcmd -S db01 -U sa -P Mx2vLq7tRz4K -Q "SELECT 1"
sqlcmd -S db01 -U sa -P %SA_PASSWORD% -Q "SELECT 1"
