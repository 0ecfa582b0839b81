#!/bin/sh
mysql -u root -pXq7vR2mLz -h db.internal shop < dump.sql
curl -H 'Authorization: token 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' https://api.github.com/user
sshpass -p 'Lm8qWz3x' ssh deploy@10.0.0.7
mysql -u root -p"$MYSQL_PWD" shop
curl -sf -H "Authorization: Token 3b8e1f7c9a2d4e6f0b5c8a1d3e7f9b2c4a6d8e0f" https://netbox.internal/api/dcim/devices/
curl -sf -H "Authorization: Token $NETBOX_TOKEN" https://netbox.internal/api/dcim/devices/
